"""系统管理 pages and the directory functions behind them: who may open and change what, users
disabled and passwords reset (their sessions end), departments, categories, policies, the
holiday calendar with its missing-year warning, and SMS texts."""
from datetime import datetime, timezone

import pytest
from sqlmodel import Session, select

from models import ApiToken, User
from service.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated, TooManyRequests
from service.identity import directory
from service.identity import login as auth

from ..conftest import PASSWORD
from ..console import Console

ADMIN_PAGES = ("users", "departments", "categories", "policies", "calendar", "templates")


def _user(db, county, name) -> User:
    return db.get(User, county.user_id(name))


# --- the service ---------------------------------------------------------------------------------

def test_disabling_a_user_ends_his_sessions_and_tokens(db, county):
    admin, fgj = _user(db, county, "admin"), _user(db, county, "fgj")
    epoch = fgj.session_epoch
    directory.set_user_active(db, admin, fgj.id, False)
    db.refresh(fgj)
    assert not fgj.active and fgj.session_epoch == epoch + 1
    tokens = db.exec(select(ApiToken).where(ApiToken.user_id == fgj.id)).all()
    assert tokens and all(t.revoked for t in tokens)
    directory.set_user_active(db, admin, fgj.id, False)   # again: nothing more happens
    db.refresh(fgj)
    assert fgj.session_epoch == epoch + 1
    directory.set_user_active(db, admin, fgj.id, True)
    db.refresh(fgj)
    assert fgj.active and fgj.session_epoch == epoch + 1


def test_an_admin_cannot_disable_himself_and_others_cannot_disable_anyone(db, county):
    admin = _user(db, county, "admin")
    with pytest.raises(Conflict):
        directory.set_user_active(db, admin, admin.id, False)
    with pytest.raises(Forbidden):
        directory.set_user_active(db, _user(db, county, "coordinator"), county.user_id("fgj"), False)
    with pytest.raises(Forbidden):
        directory.reset_password(db, _user(db, county, "coordinator"), county.user_id("fgj"), "Xin-mima-2026")


def test_resetting_a_password_ends_sessions_and_clears_the_waits(db, county):
    fgj = _user(db, county, "fgj")
    now = datetime.now(timezone.utc)
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(db, "fgj", "wrong-password", now, client="203.0.113.7")
    with pytest.raises(TooManyRequests):
        auth.authenticate(db, "fgj", "Xin-mima-2026", now, client="203.0.113.7")
    with pytest.raises(Invalid):
        directory.reset_password(db, _user(db, county, "admin"), fgj.id, "short")
    directory.reset_password(db, _user(db, county, "admin"), fgj.id, "Xin-mima-2026")
    db.refresh(fgj)
    assert fgj.session_epoch == 1
    assert auth.authenticate(db, "fgj", "Xin-mima-2026", now, client="203.0.113.7").id == fgj.id


def test_departments_are_renamed_and_deactivated(api, db, county):
    admin = _user(db, county, "admin")
    dept = directory.update_department(db, admin, county.dept_id("fgj"), " 县发展和改革局 ", "0915-3212001")
    assert dept.name == "县发展和改革局" and dept.code == "fgj"
    with pytest.raises(Conflict):
        directory.update_department(db, admin, county.dept_id("zrj"), "县市场监管局", None)
    directory.set_department_active(db, admin, county.dept_id("scj"), False)
    issue = api.create_issue()
    refused = api.act(issue["id"], "assign", "coordinator", api.assign_body(lead_department_id=county.dept_id("scj")))
    assert refused.status_code == 422
    assert [d.code for d in directory.active_departments(db)] == ["fgj", "zrj"]
    assert [u.username for u in directory.list_leaders(db)] == ["leader", "leader2"]


# --- who may open and change what --------------------------------------------------------------

def test_the_admin_opens_every_section_the_office_reads_two(app, county):
    admin = Console(app, "admin")
    for name in ADMIN_PAGES:
        assert admin.get(f"/console/admin/{name}").status_code == 200, name
    office = Console(app, "coordinator")
    for name in ADMIN_PAGES:
        expected = 200 if name in ("policies", "calendar") else 403
        assert office.get(f"/console/admin/{name}").status_code == expected, name
    page = office.text("/console/admin/policies")
    assert "只读" in page and "保存规则" not in page and "/console/admin/users" not in page
    assert office.post("/console/admin/policies", {"issue_type": "help", "accept_days": "1", "complete_days": "5",
                                                   "report_after": "2", "visit_after": "5"}).status_code == 403
    assert office.post("/console/admin/calendar", {"day": "2026-12-31", "kind": "holiday"}).status_code == 403
    for who in ("operator", "supervisor", "fgj", "leader"):
        other = Console(app, who)
        for name in ADMIN_PAGES:
            assert other.get(f"/console/admin/{name}").status_code == 403, (who, name)
    assert "无权" in Console(app, "fgj").get("/console/admin/users").get_data(as_text=True)


def test_forms_without_the_csrf_token_are_refused(app, county):
    admin = Console(app, "admin")
    for path, data in (("/console/admin/users", {"username": "x1", "role": "operator", "password": "Abcdefgh1"}),
                       ("/console/admin/departments", {"code": "jtj", "name": "县交通运输局"}),
                       (f"/console/admin/users/{county.user_id('fgj')}/active", {"active": "0"}),
                       ("/console/admin/policies", {"issue_type": "help", "complete_days": "5"})):
        resp = admin.post(path, data, csrf=False)
        assert resp.status_code == 400 and "页面已过期" in resp.get_data(as_text=True), path
    with Session(app.extensions["ys"]["engine"]) as s:
        assert s.exec(select(User).where(User.username == "x1")).first() is None
        assert directory.department_by_code(s, "jtj") is None
        assert s.get(User, county.user_id("fgj")).active


# --- users ----------------------------------------------------------------------------------------

def test_users_are_created_with_their_mistakes_shown(app, county):
    admin = Console(app, "admin")
    bad = admin.post("/console/admin/users", {"username": "jtj_zhang", "display_name": "张交通", "role": "department",
                                              "password": "short"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "密码至少 8 位" in page and 'value="张交通"' in page and "short" not in page
    orphan = admin.post("/console/admin/users",
                        {"username": "jtj_zhang", "role": "department", "password": "Jiaotong-2026"})
    assert orphan.status_code == 422 and "承办部门用户必须属于一个部门" in orphan.get_data(as_text=True)
    ok = admin.post("/console/admin/users", {"username": "jtj_zhang", "display_name": "张交通", "role": "department",
                                             "department_id": str(county.dept_id("fgj")), "phone": "13700005555",
                                             "password": "Jiaotong-2026"})
    assert ok.status_code == 302
    assert "已创建用户 jtj_zhang" in admin.text("/console/admin/users")
    Console(app, "jtj_zhang", "Jiaotong-2026")  # logs in with the password given
    dup = admin.post("/console/admin/users", {"username": "jtj_zhang", "role": "operator", "password": "Jiaotong-2026"})
    assert dup.status_code == 409 and "已被使用" in dup.get_data(as_text=True)


def test_disabling_a_user_ends_his_console_session_at_once(app, api, county):
    fgj = Console(app, "fgj")
    assert fgj.get("/console/inbox").status_code == 200
    admin = Console(app, "admin")
    resp = admin.post(f"/console/admin/users/{county.user_id('fgj')}/active", {"active": "0"})
    assert resp.status_code == 302 and "其登录已失效" in admin.text("/console/admin/users")
    assert fgj.get("/console/inbox").status_code == 302            # back to the login page
    assert api.get("/api/v1/issues", "fgj").status_code == 401     # and his API token is revoked
    from ..identity.test_console_auth import login
    assert login(app.test_client(), "fgj").status_code == 200     # cannot log in
    admin.post(f"/console/admin/users/{county.user_id('fgj')}/active", {"active": "1"})
    Console(app, "fgj")


def test_the_admin_cannot_disable_himself_from_the_page(app, county):
    admin = Console(app, "admin")
    page = admin.text("/console/admin/users")
    assert f'/console/admin/users/{county.user_id("admin")}/active' not in page
    resp = admin.post(f"/console/admin/users/{county.user_id('admin')}/active", {"active": "0"})
    assert resp.status_code == 409 and "不能停用自己的账号" in resp.get_data(as_text=True)
    assert admin.get("/console/admin/users").status_code == 200


def test_resetting_a_password_from_the_page(app, county):
    fgj = Console(app, "fgj")
    admin = Console(app, "admin")
    short = admin.post(f"/console/admin/users/{county.user_id('fgj')}/password", {"password": "1234"})
    assert short.status_code == 422 and "密码至少 8 位" in short.get_data(as_text=True)
    assert admin.post(f"/console/admin/users/{county.user_id('fgj')}/password",
                      {"password": "Xin-mima-2026"}).status_code == 302
    assert fgj.get("/console/inbox").status_code == 302
    from ..identity.test_console_auth import login
    assert login(app.test_client(), "fgj", PASSWORD).status_code == 200
    assert login(app.test_client(), "fgj", "Xin-mima-2026").status_code == 302
    assert admin.post("/console/admin/users/999999/password", {"password": "Xin-mima-2026"}).status_code == 404


# --- departments and categories ----------------------------------------------------------------

def test_departments_from_the_page(app, api, county):
    admin = Console(app, "admin")
    assert admin.post("/console/admin/departments", {"code": "jtj", "name": "县交通运输局",
                                                     "contact_phone": "0915-3212010"}).status_code == 302
    bad = admin.post("/console/admin/departments", {"code": "jt j", "name": "县交通运输局", "contact_phone": "12"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "编码只能用字母" in page and "请填写 11 位手机号" in page
    clash = admin.post(f"/console/admin/departments/{county.dept_id('zrj')}", {"name": "县发改局", "contact_phone": ""})
    assert clash.status_code == 409 and "已存在" in clash.get_data(as_text=True)
    assert admin.post(f"/console/admin/departments/{county.dept_id('zrj')}",
                      {"name": "县自然资源和规划局", "contact_phone": "0915-3212002"}).status_code == 302
    assert admin.post(f"/console/admin/departments/{county.dept_id('scj')}/active", {"active": "0"}).status_code == 302
    names = {d["name"]: d for d in api.ok("GET", "/api/v1/departments", "coordinator")["items"]}
    assert "县自然资源和规划局" in names and names["县市场监管局"]["active"] is False
    assert names["县交通运输局"]["contact_phone"] == "0915-3212010"


def test_categories_from_the_page(app, county):
    admin = Console(app, "admin")
    assert admin.post("/console/admin/categories", {"form": "create", "code": "parking", "name": "停车管理",
                                                    "sort": "5", "active": "1"}).status_code == 302
    dup = admin.post("/console/admin/categories", {"form": "create", "code": "parking", "name": "别的名字",
                                                   "active": "1"})
    assert dup.status_code == 409 and "已存在" in dup.get_data(as_text=True)
    # Editing a row: unticked "active" retires the category.
    assert admin.post("/console/admin/categories", {"form": "cat-parking", "code": "parking", "name": "停车",
                                                    "sort": "5"}).status_code == 302
    from service.intake.categories import get_by_code
    with Session(app.extensions["ys"]["engine"]) as s:
        category = get_by_code(s, "parking")
        assert category.name == "停车" and category.active is False


# --- policies, calendar, SMS texts ----------------------------------------------------------------

def test_deadline_policies_from_the_page(app, api, county):
    admin = Console(app, "admin")
    bad = admin.post("/console/admin/policies", {"issue_type": "help", "channel": "", "accept_days": "20",
                                                 "complete_days": "5", "report_after": "2", "visit_after": "5"})
    assert bad.status_code == 422 and "签收时限不能长于办结时限" in bad.get_data(as_text=True)
    assert admin.post("/console/admin/policies", {"issue_type": "help", "channel": "breakfast", "accept_days": "1",
                                                  "reply_days": "", "complete_days": "7", "report_after": "2",
                                                  "visit_after": "3"}).status_code == 302
    rows = api.ok("GET", "/api/v1/admin/deadline-policies", "admin")["items"]
    override = next(r for r in rows if r["source"] == "override")
    assert (override["channel"], override["complete_days"]) == ("breakfast", 7)
    assert "管理员设置" in Console(app, "coordinator").text("/console/admin/policies")
    assert admin.post(f"/console/admin/policies/{override['id']}/delete").status_code == 302
    assert all(r["source"] == "builtin" for r in api.ok("GET", "/api/v1/admin/deadline-policies", "admin")["items"])


def test_calendar_overrides_from_the_page(app, api, county):
    admin = Console(app, "admin")
    bad = admin.post("/console/admin/calendar", {"day": "", "kind": "holiday"})
    assert bad.status_code == 422 and "请选择日期" in bad.get_data(as_text=True)
    day = {"day": "2027-01-01", "kind": "holiday", "note": "元旦"}
    assert admin.post("/console/admin/calendar", day).status_code == 302
    page = admin.text("/console/admin/calendar?year=2027")
    assert "2027-01-01" in page and "元旦" in page
    assert api.ok("GET", "/api/v1/admin/calendar?year=2027", "admin")["overrides"][0]["kind"] == "holiday"
    assert admin.post("/console/admin/calendar/2027-01-01/delete").status_code == 302
    assert admin.post("/console/admin/calendar/2027-01-01/delete").status_code == 404
    assert admin.post("/console/admin/calendar/not-a-day/delete").status_code == 404


def test_a_holiday_entered_as_a_date_range_at_once(app, api, county):
    """春节 is seven days: entered from–to in one form, all of them or none."""
    admin = Console(app, "admin")
    spring = {"day": "2027-02-06", "until": "2027-02-12", "kind": "holiday", "note": "春节"}
    backwards = admin.post("/console/admin/calendar", {**spring, "until": "2027-02-01"})
    text = backwards.get_data(as_text=True)
    assert backwards.status_code == 422 and "结束日期不能早于开始日期" in text and 'value="2027-02-01"' in text
    too_long = admin.post("/console/admin/calendar", {**spring, "until": "2027-04-30"})
    assert too_long.status_code == 422 and "一次最多设置 31 天" in too_long.get_data(as_text=True)
    assert api.ok("GET", "/api/v1/admin/calendar?year=2027", "admin")["overrides"] == []
    saved = admin.post("/console/admin/calendar", spring)
    assert saved.status_code == 302
    assert "已设置 2027-02-06 至 2027-02-12" in admin.text("/console/admin/calendar?year=2027")
    days = api.ok("GET", "/api/v1/admin/calendar?year=2027", "admin")["overrides"]
    assert [d["day"] for d in days] == [f"2027-02-{n:02d}" for n in range(6, 13)]
    assert {(d["kind"], d["note"]) for d in days} == {("holiday", "春节")}
    # the API takes the same range, and refuses what the page refuses, naming the field
    resp = api.call("PUT", "/api/v1/admin/calendar/2027-10-01", "admin",
                    json={"kind": "holiday", "note": "国庆节", "until": "2027-09-30"})
    assert resp.status_code == 422 and "until" in resp.get_json()["error"]["fields"]
    api.ok("PUT", "/api/v1/admin/calendar/2027-10-01", "admin",
           json={"kind": "holiday", "note": "国庆节", "until": "2027-10-07"})
    assert len(api.ok("GET", "/api/v1/admin/calendar?year=2027", "admin")["overrides"]) == 14


def test_sms_texts_from_the_page(app, county):
    admin = Console(app, "admin")
    page = admin.text("/console/admin/templates")
    assert "交办时发给主办单位责任人" in page and "{code}" in page
    bad = admin.post("/console/admin/templates/urged", {"body": "请抓紧办理{title}"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "须包含问题编号 {code}" in text and "请抓紧办理{title}" in text
    assert admin.post("/console/admin/templates/urged", {"body": "【督查办】{code}请抓紧办理。"}).status_code == 302
    assert "已改写" in admin.text("/console/admin/templates")
    assert admin.post("/console/admin/templates/urged/reset").status_code == 302
    assert admin.post("/console/admin/templates/no_such/reset").status_code == 404


def test_a_missing_holiday_year_is_shown_to_the_administrator_who_keeps_the_calendar(app, county, monkeypatch):
    monkeypatch.setitem(app.config, "CONSOLE_NOW", "2031-03-02T10:00:00+08:00")
    for path in ("/console/admin/users", "/console/admin/calendar"):
        assert "尚未录入2031年法定节假日和调休安排" in Console(app, "admin").text(path), path
    # the office cannot enter the arrangement: its pages do not carry the warning
    for path in ("/console/meetings", "/console/admin/calendar"):
        page = Console(app, "coordinator").text(path)
        assert "法定节假日和调休安排" not in page and "节假日安排缺失" not in page, path
    monkeypatch.setitem(app.config, "CONSOLE_NOW", "2026-06-01T10:00:00+08:00")
    assert "尚未录入" not in Console(app, "admin").text("/console/admin/users")
