"""The hotline desk (话务登记) and the department inbox (承办) through the console."""
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from models import Issue
from service.deadlines.calendar import LOCAL_TZ
from service.workflow.meetings import ensure_evening_tea_meetings

from ..console_client import csrf, logged_in, text
from ..helpers import REPORTER, future, issue_in


@pytest.fixture
def as_user(app, county):
    return lambda username: logged_in(app, username)


def call(**over) -> dict:
    data = {"reporter_phone": "13812345678", "reporter_name": "王建国", "reporter_org": "秦岭绿源农业科技有限公司",
            "reporter_kind": "enterprise", "channel": "hotline", "meeting_id": "", "type": "help",
            "category": "", "township": "城关镇", "title": "园区道路破损", "content": "货车绕行，请协调修复。"}
    data.update(over)
    return data


def save(client, data: dict):
    token = csrf(client.get("/console/intake").data)
    return client.post("/console/intake", data={"csrf_token": token, **data})


def test_the_desk_is_for_those_who_log_issues(as_user):
    for who in ("operator", "coordinator", "supervisor"):
        page = as_user(who).get("/console/intake")
        assert page.status_code == 200 and 'autofocus' in text(page), who
    for who in ("fgj", "leader", "admin"):
        resp = as_user(who).get("/console/intake")
        assert resp.status_code == 403 and "您的角色不能登记问题" in text(resp), who


def test_a_call_is_logged_and_its_code_shown_large(as_user, db):
    client = as_user("operator")
    resp = save(client, call(reporter_consent_public="y"))
    assert resp.status_code == 302
    page = text(client.get(resp.headers["Location"]))
    code = re.search(r'<div class="code-big[^"]*"[^>]*>(YS\d{4}-\d{6})</div>', page).group(1)
    assert "下一个来电" in page
    issue = db.execute(select(Issue).where(Issue.code == code)).scalar_one()
    assert (issue.channel, issue.status, issue.reporter_phone, issue.reporter_consent_public) == \
        ("hotline", "collected", "13812345678", True)


def test_a_call_answered_on_the_spot(as_user, db):
    client = as_user("operator")
    resp = save(client, call(answered_on_spot="y", answer="已解释政策适用范围", satisfaction="satisfied"))
    assert resp.status_code == 302
    page = text(client.get(resp.headers["Location"]))
    assert "已当场答复并办结" in page
    issue = db.execute(select(Issue).order_by(Issue.id.desc())).scalars().first()
    assert (issue.status, issue.result, issue.satisfaction) == ("closed", "已解释政策适用范围", "satisfied")


def test_a_refused_call_keeps_everything_typed(as_user, db):
    client = as_user("operator")
    resp = save(client, call(title="", answered_on_spot="y", answer=""))
    page = text(resp)
    assert resp.status_code == 422 and "请填写问题标题" in page
    assert 'value="13812345678"' in page and re.search(r">\s*货车绕行，请协调修复。</textarea>", page)
    resp = save(client, call(answered_on_spot="y", answer=""))
    page = text(resp)
    assert resp.status_code == 422 and "必填" in page and 'id="on-spot" class="row g-2 "' in page
    resp = save(client, call(reporter_phone="12345"))
    assert resp.status_code == 422 and "请填写 11 位手机号或带区号的固定电话" in text(resp)
    assert db.execute(select(Issue.id)).first() is None


def test_a_meeting_and_another_channel_do_not_mix(as_user, db):
    meeting = ensure_evening_tea_meetings(db, datetime(2026, 12, 1, 12, tzinfo=LOCAL_TZ), days_ahead=0)[0]
    resp = save(as_user("operator"), call(channel="hotline", meeting_id=str(meeting.id)))
    page = text(resp)
    assert resp.status_code == 422 and "所选会议的问题渠道应为“" in page and "晚茶会" in page


def test_the_form_needs_its_csrf_token(as_user, db):
    resp = as_user("operator").post("/console/intake", data=call(), headers={"Accept": "text/html"})
    assert resp.status_code == 400 and "页面已过期" in text(resp)


def test_the_channel_and_meeting_follow_the_clock(as_user, app, db, monkeypatch):
    meeting = ensure_evening_tea_meetings(db, datetime(2026, 12, 15, 12, tzinfo=LOCAL_TZ), days_ahead=0)[0]
    monkeypatch.setitem(app.config, "CONSOLE_NOW", "2026-12-15T19:10:00+08:00")
    page = text(as_user("operator").get("/console/intake"))
    assert '<option selected value="evening_tea">' in page
    assert f'<option selected value="{meeting.id}"' in page or f'selected value="{meeting.id}"' in page
    monkeypatch.setitem(app.config, "CONSOLE_NOW", "2026-12-15T20:31:00+08:00")
    page = text(as_user("operator").get("/console/intake"))
    assert '<option selected value="hotline">' in page


def test_the_callers_earlier_issues(api, as_user):
    first = api.create_issue(title="第一次反映")
    api.create_issue(title="别人的", reporter={**REPORTER, "phone": "13900001111"})
    client = as_user("operator")
    page = text(client.get("/console/intake/caller?phone=13812345678"))
    assert first["code"] in page and "第一次反映" in page and "别人的" not in page and "以往反映过 1 件" in page
    assert "首次来电" in text(client.get("/console/intake/caller?phone=13700000000"))
    assert "填写来电号码后" in text(client.get("/console/intake/caller?reporter_phone="))
    assert first["code"] not in text(as_user("fgj").get("/console/intake/caller?phone=13812345678"))


# --- the department inbox -----------------------------------------------------------------

def test_the_inbox_puts_the_most_urgent_first(api, as_user, county):
    later = issue_in(api, "in_progress", title="时限较远")
    overdue = issue_in(api, "assigned", title="已超期")
    api.ok("POST", f"/api/v1/issues/{overdue['id']}/actions/return", "fgj", json={"reason": "请改派"})
    overdue = api.ok("POST", f"/api/v1/issues/{overdue['id']}/actions/assign", "coordinator", json=api.assign_body())
    issue_in(api, "assigned", title="临近时限")
    co = issue_in(api, "collected", title="本单位协办")
    api.ok("POST", f"/api/v1/issues/{co['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("scj"), co_department_ids=[county.dept_id("fgj")]))
    suspended = issue_in(api, "suspended", title="挂账中")
    replied = issue_in(api, "replied", title="已答复")
    other = issue_in(api, "collected", title="别的单位")
    api.ok("POST", f"/api/v1/issues/{other['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("scj"), co_department_ids=[]))
    # Make one red: its acceptance deadline is moved into the past directly in the database.
    from sqlmodel import Session
    engine = api.client.application.extensions["ys"]["engine"]
    with Session(engine) as session:
        row = session.get(Issue, overdue["id"])
        row.accept_due = row.next_due = datetime(2020, 1, 6).date()
        session.add(row)
        session.commit()
    api.ok("POST", f"/api/v1/issues/{later['id']}/actions/request_extension", "fgj",
           json={"complete_due": future(120), "reason": "等设备"})

    page = text(as_user("fgj").get("/console/inbox"))
    titles = re.findall(r'text-decoration-none" href="/console/issues/\d+">([^<]+)</a>', page)
    assert titles[0] == "已超期" and titles[-1] == "挂账中"
    assert titles.index("临近时限") < titles.index("时限较远")
    assert "已答复" not in titles and "别的单位" not in titles and "本单位协办" in titles
    assert re.search(r'本单位协办</a></td>\s*<td><span class="badge text-bg-light border">协办', page)
    assert re.search(r'id="count-red".*?<div class="count">1</div>', page, re.S)
    assert re.search(r'id="count-none".*?<div class="count">1</div>', page, re.S)
    assert "已答复，待回访" in page and replied["code"] not in page
    assert "超期" in page and suspended["code"] in page
    zrj = text(as_user("zrj").get("/console/inbox"))     # co-handles those fgj leads
    assert "时限较远" in zrj and "别的单位" not in zrj and "本单位协办" not in zrj


def test_the_inbox_is_for_departments(as_user):
    for who in ("coordinator", "leader", "operator"):
        resp = as_user(who).get("/console/inbox")
        assert resp.status_code == 403 and "承办页面只对承办部门开放" in text(resp)
