"""企业评议 in the console: the office opens a round from its page and finds it listed; a refused
form keeps what was typed and names the field at fault; a round's page shows the results per
department to every reader and which enterprise said what to the office only; departments do
not open the pages; the workbook is the API's."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import SmsMessage

from ..console import Console
from .test_console_dashboard import Tables, no_inline_code
from .test_ratings import IN_DECEMBER, NOVEMBER, dealings, form_of, links_sent  # noqa: F401 - a fixture

# every test: the enterprises of test_ratings.py with their November issues
pytestmark = pytest.mark.usefixtures("dealings")
LIST = "/console/ratings"


def sent(db) -> dict[str, str]:
    """phone → rating link token, read afresh (the pages commit on their own connection)."""
    db.rollback()
    return links_sent(db)


def opened_in_console(app) -> int:
    """The office opens November's round on the console page; the id of the round it lands on."""
    resp = Console(app, "coordinator").post(LIST, {**NOVEMBER, "answer_by": "", "title": ""})
    assert resp.status_code == 302
    return int(re.search(r"/console/ratings/(\d+)$", resp.headers["Location"])[1])


def test_the_office_opens_a_round_in_the_console_and_sees_it_listed(app, db, county, clock):
    clock(IN_DECEMBER)
    office = Console(app, "coordinator")
    html = office.text(LIST)
    no_inline_code(html)
    assert "还没有发起过企业评议" in html and 'data-form="open-round"' in html
    assert 'href="/console/ratings"' in html  # the menu entry
    assert 'placeholder="默认10个工作日"' in html and 'maxlength="100"' in html

    resp = office.post(LIST, {**NOVEMBER, "answer_by": "", "title": ""})
    assert resp.status_code == 302
    page = office.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已发起PY" in page and "2026年11月企业评议部门服务" in page and "评议短信已排队发送" in page
    assert len(sent(db)) == 2

    rows = Tables(office.text(LIST)).tables["rounds"]
    assert rows[0] == ["编号", "标题", "评议区间", "评议截止", "邀请企业", "已完成", "未邀请"]
    code, title, period, due, asked, answered, skipped = rows[1]
    assert code.startswith("PY") and title == "2026年11月企业评议部门服务"
    assert period == "2026-11-01 至 2026-11-30" and due == "2026-12-18"   # ten working days
    assert (asked, answered, skipped) == ("2", "0", "1")

    # the supervision office and the leaders read the list, without the form
    for who in ("supervisor", "leader"):
        html = Console(app, who).text(LIST)
        assert "2026年11月企业评议部门服务" in html and 'data-form="open-round"' not in html


def test_a_refused_open_keeps_what_was_typed_and_names_the_field(app, db, county, clock):
    clock(IN_DECEMBER)
    office = Console(app, "coordinator")
    early = office.post(LIST, {"from": "2026-11-01", "to": "2026-12-05", "answer_by": "", "title": "十一月评议"})
    assert early.status_code == 422
    html = early.get_data(as_text=True)
    assert 'value="2026-12-05"' in html and 'value="十一月评议"' in html  # kept as typed
    assert re.search(r'id="f-to" name="to" value="2026-12-05">\s*<div class="invalid-feedback d-block">'
                     r'评议区间须已结束：截止日期须早于今天', html)
    missing = office.post(LIST, {"from": "", "to": "2026-11-30", "answer_by": "2026-12-10", "title": ""})
    assert missing.status_code == 422
    assert re.search(r'id="f-from" name="from" value="">\s*<div class="invalid-feedback d-block">请填写',
                     missing.get_data(as_text=True))
    late = office.post(LIST, {**NOVEMBER, "answer_by": "2026-12-01", "title": ""})
    assert late.status_code == 422 and "评议截止日期不能早于今天" in late.get_data(as_text=True)
    long = office.post(LIST, {**NOVEMBER, "answer_by": "", "title": "评" * 101})
    assert long.status_code == 422 and 'class="form-control is-invalid" id="f-title"' in long.get_data(as_text=True)
    assert not sent(db)

    opened_in_console(app)
    overlap = office.post(LIST, {"from": "2026-10-01", "to": "2026-11-15", "answer_by": "", "title": ""})
    assert overlap.status_code == 409
    html = overlap.get_data(as_text=True)
    assert 'value="2026-10-01"' in html and 'value="2026-11-15"' in html
    assert re.search(r'id="f-from" name="from" value="2026-10-01">\s*<div class="invalid-feedback d-block">'
                     r'与已发起的“2026年11月企业评议部门服务”', html)
    assert len(Tables(office.text(LIST)).tables["rounds"]) == 2   # still the one round
    assert len(sent(db)) == 2


def _answered(app, db, county) -> None:
    """甲 rates 县发改局 5 and 县市场监管局 2 (with its reason) on its page."""
    token = sent(db)["13900001111"]
    client = app.test_client()
    base = form_of(client.get(f"/rate/{token}").get_data(as_text=True))
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    done = client.post(f"/rate/{token}", data={**base, f"score_{fgj}": "5", f"comment_{fgj}": "办事快",
                                                f"score_{scj}": "2", f"comment_{scj}": "跑了三趟才办成"})
    assert done.status_code == 303


def test_the_round_page_shows_results_and_the_office_sees_each_enterprise(app, db, county, clock):
    clock(IN_DECEMBER)
    round_id = opened_in_console(app)
    _answered(app, db, county)
    html = Console(app, "coordinator").text(f"/console/ratings/{round_id}")
    no_inline_code(html)
    assert "2026年11月企业评议部门服务" in html and "评议截止：2026-12-18" in html and "评议中" in html
    assert "邀请2家企业，1家已完成评议；1家未邀请" in html
    t = Tables(html)
    assert t.tables["results"][0] == ["部门", "邀请企业", "评价数", "平均分", "5分", "4分", "3分", "2分", "1分"]
    assert t.tables["results"][1:] == [["县发改局", "2", "1", "5.00", "1", "0", "0", "0", "0"],
                                       ["县市场监管局", "1", "1", "2.00", "0", "0", "0", "1", "0"]]
    assert html.count("data-low") == 1   # the one low score, marked
    lines = {(row[0], row[2]): row for row in t.tables["enterprises"][1:]}
    fgj_line = lines[("县城甲制造有限公司", "县发改局")]
    assert fgj_line[1] == "139****1111" and fgj_line[3] == "2" and fgj_line[4] == "5分（很满意）"
    assert fgj_line[5] == "办事快" and fgj_line[6].startswith("2026-12-05 10:00")   # county time
    assert lines[("县城甲制造有限公司", "县市场监管局")][4:6] == ["2分（不满意）", "跑了三趟才办成"]
    assert lines[("乙农业发展有限公司", "县发改局")][4:] == ["未评价", "", ""]
    assert t.tables["skipped"][1:] == [["丙物流有限公司", "企业库和反映记录中没有手机号"]]
    assert "13900001111" not in html and "13600002222" not in html   # phones masked


def test_the_leader_sees_results_without_any_enterprise(app, db, county, clock):
    clock(IN_DECEMBER)
    round_id = opened_in_console(app)
    _answered(app, db, county)
    for who in ("leader", "supervisor"):
        html = Console(app, who).text(f"/console/ratings/{round_id}")
        t = Tables(html)
        assert [row[0] for row in t.tables["results"][1:]] == ["县发改局", "县市场监管局"]
        assert "enterprises" not in t.tables and "skipped" not in t.tables
        for secret in ("县城甲制造", "乙农业", "丙物流", "跑了三趟才办成", "139****1111"):
            assert secret not in html, (who, secret)
        book = load_workbook(io.BytesIO(Console(app, who).get(f"/console/ratings/{round_id}.xlsx").data))
        assert book.sheetnames == ["部门结果"]


def test_departments_get_403_and_a_missing_round_is_404(app, db, county, clock):
    clock(IN_DECEMBER)
    round_id = opened_in_console(app)
    fgj = Console(app, "fgj")
    for path in (LIST, f"/console/ratings/{round_id}", f"/console/ratings/{round_id}.xlsx"):
        resp = fgj.get(path)
        assert resp.status_code == 403 and "无权操作" in resp.get_data(as_text=True), path
    assert 'href="/console/ratings"' not in fgj.text("/console/password")   # nor in its menu
    refused = fgj.post(LIST, {"from": "2026-10-01", "to": "2026-10-31", "answer_by": "", "title": ""})
    assert refused.status_code == 403
    assert Console(app, "supervisor").post(LIST, {"from": "2026-10-01", "to": "2026-10-31"}).status_code == 403
    db.rollback()
    assert db.execute(select(SmsMessage).where(SmsMessage.body.contains("2026年10月"))).first() is None
    missing = Console(app, "coordinator").get(f"/console/ratings/{round_id + 99}")
    assert missing.status_code == 404 and "没有这一轮企业评议" in missing.get_data(as_text=True)
    assert Console(app, "coordinator").get(f"/console/ratings/{round_id + 99}.xlsx").status_code == 404


def test_the_office_downloads_the_rounds_workbook(app, db, county, clock):
    clock(IN_DECEMBER)
    round_id = opened_in_console(app)
    _answered(app, db, county)
    office = Console(app, "coordinator")
    assert f'href="/console/ratings/{round_id}.xlsx"' in office.text(f"/console/ratings/{round_id}")
    resp = office.get(f"/console/ratings/{round_id}.xlsx")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E8%AF%84%E8%AE%AE-PY" in resp.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["部门结果", "企业评价"]
    results = {row[0]: row for row in book["部门结果"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert results["县发改局"][1:4] == (2, 1, 5) and results["县市场监管局"][3] == 2
    comments = [row[5] for row in book["企业评价"].iter_rows(min_row=3, values_only=True)]
    assert "跑了三趟才办成" in comments


def test_the_office_reminds_those_who_have_not_finished_from_the_round_page(app, db, county, clock):
    clock(IN_DECEMBER)
    round_id = opened_in_console(app)
    _answered(app, db, county)   # 甲 has rated all its departments, 乙 not yet
    office = Console(app, "coordinator")
    assert 'data-form="remind"' in office.text(f"/console/ratings/{round_id}")
    assert Console(app, "leader").post(f"/console/ratings/{round_id}/reminders").status_code == 403
    assert 'data-form="remind"' not in Console(app, "leader").text(f"/console/ratings/{round_id}")

    resp = office.post(f"/console/ratings/{round_id}/reminders")
    assert resp.status_code == 302
    assert "已向1家尚未评完的企业再次发送评议短信" in office.text(resp.headers["Location"])
    again = office.post(f"/console/ratings/{round_id}/reminders")
    assert "今天已提醒过" in office.text(again.headers["Location"])
    db.rollback()
    reminded = [m.recipient_phone for m in db.execute(select(SmsMessage).where(
        SmsMessage.template == "rating_invite")).scalars()]
    assert sorted(reminded) == ["13600002222", "13600002222", "13900001111"]   # 乙 twice, 甲 once

    clock(IN_DECEMBER.replace(day=19))   # the round closed on the 18th
    office = Console(app, "coordinator")  # signed in afresh: the session of the 5th has lapsed
    assert 'data-form="remind"' not in office.text(f"/console/ratings/{round_id}")
    late = office.post(f"/console/ratings/{round_id}/reminders")
    assert late.status_code == 409 and "本次评议已于2026-12-18截止，不能再提醒" in late.get_data(as_text=True)
