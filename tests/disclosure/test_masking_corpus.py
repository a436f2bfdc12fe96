"""The masking corpus (faults/masking_corpus.py) in the test suite: a few generated reporters
per database, their data in every written form planted in the reporter's fields and in every
published text, looked for on every public surface and through public search. The full-length
run is `python -m faults.masking_corpus --examples 200` (figures in docs/security.md).

YS_MASKING_EXAMPLES sets how many examples a test run makes (default 4)."""
import logging
import os

import pytest

from faults.masking_corpus import Cast, run
from service.core.masking import doubts, scrub_text, search_text
from service.supervision.office_queues import publication_draft

from ..console import Console
from ..public_helpers import closed

EXAMPLES = int(os.environ.get("YS_MASKING_EXAMPLES", "4"))


def test_no_planted_data_reaches_a_public_answer_or_a_search(app, county):
    logging.disable(logging.INFO)
    try:
        tally = run(app, Cast(coordinator=county.tokens["coordinator"], department=county.tokens["fgj"],
                              department_id=county.dept_id("fgj"), leader_id=county.user_id("leader")), EXAMPLES)
    finally:
        logging.disable(logging.NOTSET)
    assert tally.examples == EXAMPLES
    assert len(tally.surfaces) >= 12 and tally.searches >= EXAMPLES * 2 * 14
    assert tally.leaks == [], tally.leaks[:10]


# --- each form, one example at a time ------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "+8613912345678", "+86 139 1234 5678", "0086-139-1234-5678", "86 13912345678", "(+86)13912345678",
    "１３９１２３４５６７８", "＋８６　１３９－１２３４－５６７８", "139.1234.5678", "139 1234 5678",
    "139\u200b1234\u200b5678", "139—1234—5678", "1 39 1234 5678", "013912345678", "一三九一二三四五六七八",
])
def test_a_mobile_is_masked_however_it_is_written(written):
    out = scrub_text(f"请回电{written}，谢谢。")
    assert "139****5678" in out and out.startswith("请回电") and out.endswith("，谢谢。"), out
    assert "1234" not in out
    assert "5678" not in search_text(f"请回电{written}，谢谢。")


@pytest.mark.parametrize("written", ["610102 19900101 1234", "610102-1990-0101-1234",
                                     "６１０１０２１９９００１０１１２３４", "610102 1990 0101 1234"])
def test_an_id_number_in_groups_or_full_width_is_masked(written):
    out = scrub_text(f"身份证{written}。")
    assert out == "身份证61*************234。", out
    assert "19900101" not in search_text(f"身份证{written}。")


def test_an_old_15_digit_id_number_is_masked_and_other_15_digit_runs_are_not():
    assert scrub_text("身份证610102900101123。") == "身份证61**********123。"
    assert scrub_text("订单201812345678901。") == "订单201812345678901。"


@pytest.mark.parametrize("written, shown", [
    ("zhang.san@qq.com", "z***@***.com"), ("ｚｈａｎｇ＠１６３．ｃｏｍ", "z***@***.com"),
    ("zhangsan#163.com", "z***@***.com"), ("zhang(at)example.com.cn", "z***@***.cn"),
])
def test_an_e_mail_address_is_masked(written, shown):
    assert scrub_text(f"邮箱{written}，") == f"邮箱{shown}，"


@pytest.mark.parametrize("written, secret", [
    ("微信号：zhang_san1988", "zhang_san1988"), ("微信 zhangsan88", "zhangsan88"), ("VX: zs_2026abc", "zs_2026abc"),
    ("wx：abcdef", "abcdef"), ("QQ号 123456789", "123456789"), ("qq:1234567", "1234567"),
    ("wxid_abc123def", "wxid_abc123def"),
])
def test_a_wechat_or_qq_id_is_masked(written, secret):
    out = scrub_text(f"加{written}联系。")
    assert secret not in out and "***" in out and out.startswith("加") and out.endswith("联系。"), out


@pytest.mark.parametrize("text, masked", [
    ("欧阳 娜娜反映", "欧阳**反映"), ("欧阳\u3000娜娜反映", "欧阳**反映"), ("欧\u200b阳娜娜反映", "欧阳**反映"),
    ("娜娜表示满意", "**表示满意"),
])
def test_a_name_spaced_or_its_given_name_alone_is_masked(text, masked):
    assert scrub_text(text, names=("欧阳娜娜",)) == masked
    assert scrub_text(text, names=("欧阳 娜娜",)) == masked


@pytest.mark.parametrize("text", ["秦岭绿源公司门前道路", "秦岭绿源农业科技门前道路", "秦岭 绿源门前道路",
                                  "陕西秦岭绿源农业科技有限公司门前道路"])
def test_an_enterprise_s_short_name_is_masked_without_consent(text):
    out = scrub_text(text, orgs=("陕西秦岭绿源农业科技有限公司",))
    assert "秦岭绿源" not in out.replace(" ", "") and out.endswith("门前道路"), out


def test_ordinary_numbers_and_words_stay():
    text = "2026年11月20日召开早餐会，13:30-15:30座谈，协调资金1,234,567元，修复道路1.5公里，编号YS2026-000123。"
    assert scrub_text(text, names=("王建国",), orgs=("陕西秦岭绿源农业科技有限公司",)) == text


# --- what the office is told it should check -----------------------------------------------------

def test_the_preview_warns_about_what_the_masking_could_not_be_sure_of(api, db, county):
    issue = closed(api, reporter={"name": "王建国", "org": "陕西秦岭绿源农业科技有限公司", "phone": "13812345678",
                                  "kind": "enterprise", "consent_public": False})
    summary = ("王女士反映绿源农业门前道路破损，建国路口已修复；联系人张某某，账号6222021381234567890，"
               "秦岭绿源公司表示满意。")
    draft = publication_draft(db, county.users["coordinator"], issue["id"], api_now(), None, summary)
    found = "\n".join(draft.doubts)
    for expected in ("“王女士”", "“绿源”可能是企业简称", "“建国”与反映人的名字相同", "“联系人张某某”",
                     "19 位数字", "“秦岭绿源”是未同意公开的企业字号"):
        assert expected in found, (expected, draft.doubts)
    assert set(doubts(summary, names=("王建国",), orgs=("陕西秦岭绿源农业科技有限公司",))) <= set(draft.doubts)
    # on the console, next to the preview
    office = Console(api.client.application, "coordinator")
    html = office.client.post(f"/console/board/publication/{issue['id']}/preview",
                              data={"public_title": "", "public_summary": summary},
                              headers={"X-CSRFToken": office.token(), "HX-Request": "true"}).get_data(as_text=True)
    assert 'data-testid="preview-doubts"' in html and "王女士" in html and "可能是企业简称" in html


def test_a_plain_summary_raises_no_doubt(api, db, county):
    issue = closed(api)
    draft = publication_draft(db, county.users["coordinator"], issue["id"], api_now(), None,
                              "园区东路路面已修复，货车恢复通行。")
    assert draft.doubts == []


def api_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)
