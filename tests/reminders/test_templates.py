"""SMS wordings an administrator edits: checked before they are saved, used when rendering."""
from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from notifications.messages import TEMPLATES, clip_at_boundary, render, segments, template_placeholders
from service.core.errors import Forbidden, Invalid, NotFound
from service.reminders.sms_texts import list_templates, reset_template, set_template, template_text

TEMPLATES_URL = "/api/v1/admin/sms-templates"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
REPORTER_PARAMS = {"code": "YS2026-000007", "track_url": "https://ys.example.gov.cn/track"}


def test_render_uses_the_administrators_wording_when_given():
    wording = "【县营商办】问题{code}已交办，进展请查{track_url}。"
    assert render("assigned_reporter", REPORTER_PARAMS, text=wording) == \
        "【县营商办】问题YS2026-000007已交办，进展请查https://ys.example.gov.cn/track。"
    assert render("assigned_reporter", REPORTER_PARAMS) == TEMPLATES["assigned_reporter"].format(
        **REPORTER_PARAMS)
    # Long titles are shortened in an administrator's wording too.
    urged = render("urged", {"code": "YS2026-000007", "title": "很长" * 20, "note": ""},
                   text="{code}催办{title}")
    assert urged == "YS2026-000007催办" + "很长" * 6 + "很…"


def test_an_urging_carries_the_whole_demand_or_cuts_it_at_a_sentence_end():
    """催办 is the supervisor's demand: it goes out whole as a long SMS (up to 3 billed parts);
    a longer one is cut after a sentence, never inside a word or a number, saying where the
    rest is."""
    params = {"code": "YS2026-000007", "title": "园区道路破损影响货车通行"}
    demand = "请于12月10日前完成路面修补并书面报告，逾期将通报批评。"
    text = render("urged", {**params, "note": demand})
    assert demand in text and segments(text) <= 2
    long_demand = ("请于12月10日前完成路面修补。" + "并同步排查园区其余路段的安全隐患，逐段登记。" * 8
                   + "联系人13700001111。")
    text = render("urged", {**params, "note": long_demand})
    assert segments(text) <= 3 and text.endswith("（全文见系统）请抓紧办理。")
    kept = text.split("催办：")[1].split("（全文见系统）")[0].split("。", 1)[1]
    assert kept.endswith("。") and kept in long_demand  # cut after a sentence
    # no sentence or clause mark at all: the cut never splits a number
    digits = "编号" + "1234567890" * 30
    clipped = clip_at_boundary(digits, 100)
    assert clipped.endswith("（全文见系统）") and clipped == "编号（全文见系统）"
    assert clip_at_boundary("短句。", 100) == "短句。"


def test_each_template_lists_its_placeholders():
    names = template_placeholders()
    assert set(names) == set(TEMPLATES)
    assert names["assigned_reporter"] == ["code", "track_url"]
    assert names["assigned_department"] == ["code", "title", "complete_due", "accept_due"]
    assert all("code" in n for n in names.values())


def test_set_template_then_render_with_it(db, county):
    admin = county.users["admin"]
    wording = "【县营商办】{code}已交办：{title}，{complete_due}前办结。"
    saved = set_template(db, admin, "assigned_department", wording, NOW)
    assert saved["override"] == wording and saved["warning"] is None
    assert saved["length"] == len(saved["sample"]) <= 70
    with Session(db.get_bind()) as s:
        text = template_text(s, "assigned_department")
    assert text == wording
    params = {"code": "YS2026-000008", "title": "园区道路破损", "complete_due": "2026-12-01",
              "accept_due": "2026-11-23"}
    assert render("assigned_department", params, text=text) == \
        "【县营商办】YS2026-000008已交办：园区道路破损，2026-12-01前办结。"
    assert template_text(db, "urged") is None

    reset_template(db, admin, "assigned_department")
    assert template_text(db, "assigned_department") is None


@pytest.mark.parametrize("body, says", [
    ("【营商办】{code}已交办，负责人{person}。", "{person}"),
    ("【营商办】问题已交办，请在{track_url}查询。", "{code}"),
    ("【营商办】{code}" + "字" * 300, "300"),
    ("【营商办】{code}已交办{", "占位符"),
    ("【营商办】{code!r}已交办", "占位符"),
    ("【营商办】{code:>20}已交办", "占位符"),
    ("   ", "不能为空"),
])
def test_bad_wordings_are_refused(db, county, body, says):
    with pytest.raises(Invalid) as err:
        set_template(db, county.users["admin"], "assigned_reporter", body, NOW)
    assert list(err.value.fields) == ["body"]
    assert says in err.value.fields["body"]
    assert template_text(db, "assigned_reporter") is None


def test_a_wording_longer_than_one_sms_is_saved_with_a_warning(db, county):
    body = "【营商办】您反映的问题已经交由有关部门办理，编号{code}，" + "请耐心等待，" * 5 + "查询：{track_url}"
    saved = set_template(db, county.users["admin"], "assigned_reporter", body, NOW)
    assert saved["length"] > 70
    assert "70" in saved["warning"] and "多条" in saved["warning"]


def test_only_an_administrator_edits_templates(db, county):
    with pytest.raises(Forbidden):
        set_template(db, county.users["coordinator"], "urged", "{code}催办", NOW)
    with pytest.raises(Forbidden):
        list_templates(db, county.users["coordinator"])
    with pytest.raises(NotFound):
        set_template(db, county.users["admin"], "no_such_template", "{code}", NOW)


def test_templates_over_the_api(api):
    items = api.ok("GET", TEMPLATES_URL, "admin")["items"]
    assert {t["key"] for t in items} == set(TEMPLATES)
    reporter = next(t for t in items if t["key"] == "assigned_reporter")
    assert reporter["override"] is None and reporter["placeholders"] == ["code", "track_url"]

    bad = api.call("PUT", f"{TEMPLATES_URL}/urged", "admin", json={"body": "{code}请{who}办理"})
    assert bad.status_code == 422
    assert "{who}" in bad.get_json()["error"]["fields"]["body"]
    missing = api.call("PUT", f"{TEMPLATES_URL}/urged", "admin", json={})
    assert missing.status_code == 422 and "body" in missing.get_json()["error"]["fields"]

    saved = api.ok("PUT", f"{TEMPLATES_URL}/urged", "admin", json={"body": "【督查办】{code}催办：{note}"})
    assert saved["override"] == "【督查办】{code}催办：{note}" and saved["warning"] is None
    listed = api.ok("GET", TEMPLATES_URL, "admin")["items"]
    assert next(t for t in listed if t["key"] == "urged")["override"] == "【督查办】{code}催办：{note}"

    reset = api.ok("DELETE", f"{TEMPLATES_URL}/urged", "admin")
    assert reset["override"] is None and reset["builtin"] == TEMPLATES["urged"]

    assert api.call("PUT", f"{TEMPLATES_URL}/nope", "admin", json={"body": "{code}"}).status_code == 404
    for who in ("coordinator", "fgj"):
        assert api.get(TEMPLATES_URL, who).status_code == 403
        assert api.call("PUT", f"{TEMPLATES_URL}/urged", who,
                        json={"body": "{code}"}).status_code == 403


@pytest.mark.parametrize("length, parts", [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_long_texts_are_counted_in_parts_of_67(length, parts):
    from notifications.messages import segments
    assert segments("字" * length) == parts


def test_the_length_warning_names_the_parts(db, county):
    saved = set_template(db, county.users["admin"], "urged", "【督查办】{code}催办：{title}。" + "请抓紧" * 20, NOW)
    assert "67" in saved["warning"] and "约 2 条" in saved["warning"]
