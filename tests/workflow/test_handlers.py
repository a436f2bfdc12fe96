"""责任人 picked from the department's staff: the name and mobile come from the user, the SMS goes
to that mobile, a user of another department is refused, a landline is never an SMS recipient;
a co-department's 经办人 gets its notice; the 承办 inbox shows 我的 and 全部."""
import re

from models import User

from ..console_client import logged_in, text
from ..helpers import issue_in
from .test_console_issues import post_action


def _staff(db, county, password_hash, username: str, dept: str, phone: str | None) -> User:
    user = User(username=username, display_name=username, role="department", phone=phone,
                department_id=county.dept_id(dept), password_hash=password_hash)
    db.add(user)
    db.commit()
    return user


def _sent(api, issue_id: int) -> list[dict]:
    return api.ok("GET", f"/api/v1/notifications?issue_id={issue_id}", "supervisor")["items"]


def test_a_handler_picked_from_the_department_gets_the_issue_and_its_sms(api, county, db, password_hash):
    wang = _staff(db, county, password_hash, "王磊", "fgj", "13611112222")
    issue = api.create_issue()
    body = api.assign_body(handler_user_id=wang.id)
    del body["responsible_person"], body["responsible_phone"]
    got = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator", json=body)
    assert got["handler_user_id"] == wang.id
    assert got["responsible_person"] == "王磊" and got["responsible_phone"] == "13611112222"
    to_department = [m for m in _sent(api, issue["id"]) if m["recipient_kind"] == "department"]
    assert [m["template"] for m in to_department] == ["assigned_department"]
    assert to_department[0]["recipient"] == "136****2222"


def test_a_handler_of_another_department_is_refused(api, county, db, password_hash):
    li = _staff(db, county, password_hash, "李娜", "scj", "13611113333")
    issue = api.create_issue()
    resp = api.act(issue["id"], "assign", "coordinator", api.assign_body(handler_user_id=li.id))
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert "县发改局" in error["fields"]["handler_user_id"]
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "collected"


def test_a_landline_is_refused_as_the_sms_recipient(api, county):
    issue = api.create_issue()
    resp = api.act(issue["id"], "assign", "coordinator", api.assign_body(responsible_phone="0915-3212001"))
    assert resp.status_code == 422
    refused = resp.get_json()["error"]["fields"]
    assert refused == {"responsible_phone": "责任人电话是固定电话，不能接收短信，请填写手机号"}
    assert [m for m in _sent(api, issue["id"]) if m["recipient_kind"] != "reporter"] == []


def test_the_console_refuses_a_landline_naming_the_field(app, api, county):
    issue = api.create_issue()
    client = logged_in(app, "coordinator")
    body = {"lead_department_id": county.dept_id("fgj"), "lead_leader_id": county.user_id("leader"),
            "responsible_person": "李明", "responsible_phone": "09153212001"}
    resp = post_action(client, issue, "assign", body)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "责任人电话是固定电话，不能接收短信，请填写手机号" in page


def test_the_co_department_s_handler_gets_its_notice_and_a_landline_gets_none(api, county):
    # zrj's own number is a landline: without a handler its notice goes nowhere by SMS
    plain = issue_in(api, "assigned")
    assert [m for m in _sent(api, plain["id"]) if m["recipient_kind"] == "co_department"] == []
    issue = api.create_issue()
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator",
           json=api.assign_body(co_handler_ids=[county.user_id("zrj")]))
    co = [m for m in _sent(api, issue["id"]) if m["recipient_kind"] == "co_department"]
    assert len(co) == 1 and co[0]["template"] == "assigned_co_department"
    assert co[0]["recipient"] == "139****0008"
    # a co-handler who is no staff of a co-handling department is refused
    other = api.create_issue()
    resp = api.act(other["id"], "assign", "coordinator", api.assign_body(co_handler_ids=[county.user_id("scj")]))
    assert resp.status_code == 422 and "co_handler_ids" in resp.get_json()["error"]["fields"]


def test_the_inbox_shows_mine_and_all(app, api, county, db, password_hash):
    wang = _staff(db, county, password_hash, "wanglei", "fgj", "13611112222")
    theirs = issue_in(api, "assigned", title="别人负责的问题")
    mine = api.create_issue(title="王磊负责的问题")
    api.ok("POST", f"/api/v1/issues/{mine['id']}/actions/assign", "coordinator",
           json=api.assign_body(handler_user_id=wang.id))
    co = api.create_issue(title="我协办的问题")
    api.ok("POST", f"/api/v1/issues/{co['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("zrj"), co_department_ids=[county.dept_id("fgj")],
                                co_handler_ids=[wang.id]))
    client = logged_in(app, "wanglei")
    everything = text(client.get("/console/inbox"))
    assert all(i["code"] in everything for i in (theirs, mine, co))
    only_mine = text(client.get("/console/inbox?mine=1"))
    assert mine["code"] in only_mine and co["code"] in only_mine and theirs["code"] not in only_mine
    assert re.search(r'id="inbox-mine"[^>]*aria-current', only_mine)
    # a colleague of the same department handles none of them
    nothing = text(logged_in(app, "fgj").get("/console/inbox?mine=1"))
    assert "目前没有指定由您负责的待办问题" in nothing and theirs["code"] not in nothing


def test_the_assign_form_offers_the_departments_staff(app, api, county):
    issue = api.create_issue()
    page = text(logged_in(app, "coordinator").get(f"/console/issues/{issue['id']}"))
    handler = re.search(r'<select[^>]*name="handler_user_id".*?</select>', page, re.S).group(0)
    assert f'data-department="{county.dept_id("fgj")}"' in handler and "县发改局 · fgj" in handler
    assert re.search(r'name="responsible_person"[^>]*maxlength="64"', page)
    assert re.search(r'name="note"[^>]*maxlength="2000"', page)


def test_reassign_takes_the_new_department_s_handler_and_refuses_the_old_one_s(api, county, db, password_hash):
    liu = _staff(db, county, password_hash, "刘洋", "zrj", "13622223333")
    issue = issue_in(api, "assigned")
    body = {"lead_department_id": county.dept_id("zrj"), "co_department_ids": [], "reason": "职责属自然资源局",
            "handler_user_id": county.user_id("fgj")}
    refused = api.act(issue["id"], "reassign", "coordinator", body)
    assert refused.status_code == 422 and "县自然资源局" in refused.get_json()["error"]["fields"]["handler_user_id"]
    got = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/reassign", "coordinator",
                 json={**body, "handler_user_id": liu.id})
    assert got["handler_user_id"] == liu.id and got["responsible_phone"] == "13622223333"
    assert got["responsible_person"] == "刘洋"
