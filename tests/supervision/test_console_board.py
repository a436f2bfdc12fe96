"""督办 pages: the board for the two offices with urging, failed SMS, and the office's queues —
extension decisions, return visits and publication with its masked preview."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlmodel import Session

from models import SmsMessage, User
from service.workflow.transition import WorkflowOptions, transition

from ..console import Console
from ..helpers import future, issue_in

BOARD = ("/console/board", "/console/board/sms")
QUEUES = ("/console/board/extensions", "/console/board/visits", "/console/board/publication")


def _late(api, county, engine, title="超期未签收的问题") -> dict:
    issue = api.create_issue(title=title)
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        transition(s, coordinator, issue["id"], "assign", api.assign_body(),
                   datetime.now(timezone.utc) - timedelta(days=40), WorkflowOptions())
    return api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")


def test_who_opens_the_board_and_the_queues(app, api, county):
    closed = issue_in(api, "closed")
    office = Console(app, "coordinator")
    for path in BOARD + QUEUES + (f"/console/board/publication/{closed['id']}",):
        assert office.get(path).status_code == 200, path
    assert office.get("/console/board/publication/999999").status_code == 404
    supervisor = Console(app, "supervisor")
    for path in BOARD:
        assert supervisor.get(path).status_code == 200, path
    for path in QUEUES + (f"/console/board/publication/{closed['id']}",):
        assert supervisor.get(path).status_code == 403, path
    assert "延期审批" not in supervisor.text("/console/board")
    for who in ("operator", "fgj", "leader", "admin"):
        other = Console(app, who)
        for path in BOARD + QUEUES:
            assert other.get(path).status_code == 403, (who, path)
    assert Console(app, "fgj").post(f"/console/board/publication/{closed['id']}/publish",
                                    {"public_summary": "x"}).status_code == 403


def test_the_board_page_counts_filters_and_orders(app, api, county, engine):
    green = issue_in(api, "in_progress", title="按期办理中的问题", channel="mailbox")
    late = _late(api, county, engine)
    issue_in(api, "suspended", title="等待省级审批的问题")
    page = Console(app, "supervisor").text("/console/board")
    assert page.index(late["code"]) < page.index(green["code"])
    assert 'data-colour="red"' in page and "共 3 件在办问题" in page
    assert "个工作日" in page  # how late the red one is
    office = Console(app, "coordinator")
    red_only = office.text("/console/board?flag=red")
    assert late["code"] in red_only and green["code"] not in red_only
    mailbox = office.text("/console/board?channel=mailbox")
    assert green["code"] in mailbox and late["code"] not in mailbox
    overdue = office.text(f"/console/board?overdue=1&department_id={county.dept_id('zrj')}")
    assert late["code"] in overdue and green["code"] not in overdue   # zrj co-handles
    junk = office.get("/console/board?flag=purple&department_id=abc&page=-3&channel=x")
    assert junk.status_code == 200


def test_urging_from_the_board(app, api, county, engine):
    late = _late(api, county, engine)
    replied = issue_in(api, "replied")
    supervisor = Console(app, "supervisor")
    here = "/console/board?flag=red"
    resp = supervisor.post(f"/console/board/urge/{late['id']}",
                           {"note": "请本周五前签收", "version": str(late["version"]), "next": here})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(here)
    assert "已催办" in supervisor.text(here)
    events = api.ok("GET", f"/api/v1/issues/{late['id']}/events", "supervisor")["items"]
    assert (events[-1]["action"], events[-1]["note"]) == ("urge", "请本周五前签收")
    urged = [m for m in api.ok("GET", f"/api/v1/notifications?issue_id={late['id']}", "supervisor")["items"]
             if m["template"] == "urged"]
    assert len(urged) == 1 and urged[0]["recipient"] == "137****1111"

    silent = supervisor.post(f"/console/board/urge/{late['id']}", {"note": "", "next": "https://evil.example/"})
    assert silent.status_code == 302 and silent.headers["Location"].endswith("/console/board")
    assert "请写明催办要求" in supervisor.text("/console/board")
    wrong = supervisor.post(f"/console/board/urge/{replied['id']}", {"note": "快办"})
    assert wrong.status_code == 302 and "不能催办" in supervisor.text("/console/board")
    assert supervisor.post(f"/console/board/urge/{late['id']}", {"note": "快办"}, csrf=False).status_code == 400
    assert Console(app, "operator").post(f"/console/board/urge/{late['id']}", {"note": "快办"}).status_code == 403
    assert len(api.ok("GET", f"/api/v1/issues/{late['id']}/events", "supervisor")["items"]) == len(events)


def test_failed_sms_show_masked_recipients(app, api, county, engine):
    issue_in(api, "assigned")
    with Session(engine) as s:
        s.execute(update(SmsMessage).where(SmsMessage.recipient_kind == "reporter")
                  .values(status="failed", attempts=5, last_error="30003 unreachable"))
        s.commit()
    supervisor = Console(app, "supervisor")
    page = supervisor.text("/console/board/sms")
    assert "138****5678" in page and "13812345678" not in page and "30003 unreachable" in page
    assert "短信发送失败" in supervisor.text("/console/board")


def test_deciding_extensions(app, api, county):
    first, second = issue_in(api, "in_progress"), issue_in(api, "in_progress")
    for issue in (first, second):
        assert api.act(issue["id"], "request_extension", "fgj",
                       {"complete_due": future(60), "reason": "设备到货延迟"}).status_code == 200
    office = Console(app, "coordinator")
    page = office.text("/console/board/extensions")
    assert "设备到货延迟" in page and future(60) in page
    chosen = future(45)
    assert office.post(f"/console/board/extensions/{first['id']}",
                       {"approve": "true", "note": "同意", "complete_due": chosen}).status_code == 302
    assert office.post(f"/console/board/extensions/{second['id']}",
                       {"approve": "false", "note": "请按原时限办结"}).status_code == 302
    a = api.ok("GET", f"/api/v1/issues/{first['id']}", "coordinator")
    b = api.ok("GET", f"/api/v1/issues/{second['id']}", "coordinator")
    assert a["deadlines"]["complete_due"] == chosen and a["extension_count"] == 1
    assert b["deadlines"]["complete_due"] == second["deadlines"]["complete_due"] and b["extension_count"] == 0
    assert "没有待审批的延期申请" in office.text("/console/board/extensions")
    again = office.post(f"/console/board/extensions/{first['id']}", {"approve": "true"})
    assert again.status_code == 409 and "没有待审批的延期申请" in again.get_data(as_text=True)


def test_return_visits(app, api, county):
    happy, unhappy = issue_in(api, "replied"), issue_in(api, "replied")
    office = Console(app, "coordinator")
    page = office.text("/console/board/visits")
    assert happy["code"] in page and "13812345678" in page   # the office calls the reporter back
    missing = office.post(f"/console/board/visits/{happy['id']}", {"note": "未接通"})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "必填" in text and 'value="未接通"' in text
    assert office.post(f"/console/board/visits/{happy['id']}",
                       {"satisfaction": "basically", "note": "基本满意"}).status_code == 302
    assert office.post(f"/console/board/visits/{unhappy['id']}",
                       {"satisfaction": "unsatisfied", "note": "路面仍有坑洼"}).status_code == 302
    assert "退回重办" in office.text("/console/board/visits")
    assert api.ok("GET", f"/api/v1/issues/{happy['id']}", "coordinator")["status"] == "closed"
    reopened = api.ok("GET", f"/api/v1/issues/{unhappy['id']}", "coordinator")
    assert reopened["status"] == "in_progress" and reopened["reopen_count"] == 1


def test_publication_with_its_masked_preview(app, api, county):
    issue = issue_in(api, "closed")
    office = Console(app, "coordinator")
    editor = office.text(f"/console/board/publication/{issue['id']}")
    assert "公众将看到" in editor and "王*国" in editor and "尚未填写公开摘要" in editor
    preview = office.client.post(f"/console/board/publication/{issue['id']}/preview",
                                 data={"public_title": "", "public_summary": "王建国（13812345678）反映的道路已修复"},
                                 headers={"X-CSRFToken": office.token(), "HX-Request": "true"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<html" not in html
    assert "王*国（138****5678）反映的道路已修复" in html and "自动遮盖" in html
    assert "王建国" not in html and "13812345678" not in html
    no_token = office.client.post(f"/console/board/publication/{issue['id']}/preview", data={"public_summary": "x"})
    assert no_token.status_code == 400
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["version"] == issue["version"]

    assert 'data-evaluation="none"' in office.text(f"/console/board/publication/{issue['id']}")
    unevaluated = office.post(f"/console/board/publication/{issue['id']}/publish",
                              {"public_title": "园区东路已修复", "public_summary": "园区东路已修复。",
                               "version": str(issue["version"])})
    assert unevaluated.status_code == 409 and "整改评估" in unevaluated.get_data(as_text=True)
    issue = api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/evaluate", "coordinator",
                   json={"verdict": "resolved", "evidence": "现场核查已修复"})
    assert 'data-evaluation="resolved"' in office.text(f"/console/board/publication/{issue['id']}")
    empty = office.post(f"/console/board/publication/{issue['id']}/publish",
                        {"public_title": "园区东路已修复", "public_summary": ""})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "必填" in text and 'value="园区东路已修复"' in text
    assert office.post(f"/console/board/publication/{issue['id']}/publish",
                       {"public_title": "园区东路已修复", "public_summary": "园区东路塌陷路段已修复，货车恢复通行。",
                        "version": str(issue["version"])}).status_code == 302
    public = api.ok("GET", f"/api/v1/public/issues/{issue['code']}")
    assert public["title"] == "园区东路已修复" and public["summary"] == "园区东路塌陷路段已修复，货车恢复通行。"
    assert f'data-issue="{issue["id"]}"' not in office.text("/console/board/publication")


def test_withholding_needs_a_reason(app, api, county):
    issue = issue_in(api, "closed")
    office = Console(app, "coordinator")
    empty = office.post(f"/console/board/publication/{issue['id']}/withhold", {"reason": ""})
    assert empty.status_code == 422 and "必填" in empty.get_data(as_text=True)
    assert office.post(f"/console/board/publication/{issue['id']}/withhold",
                       {"reason": "涉及企业商业秘密"}).status_code == 302
    got = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert got["disclosure"] == "withheld" and got["withhold_reason"] == "涉及企业商业秘密"
    assert "不能再发布" not in office.text(f"/console/board/publication/{issue['id']}")


@pytest.mark.parametrize("path", ["/console/board/visits/1", "/console/board/extensions/1",
                                  "/console/board/publication/1/publish", "/console/board/publication/1/withhold"])
def test_queue_forms_need_the_csrf_token(app, county, path):
    assert Console(app, "coordinator").post(path, {"note": "x"}, csrf=False).status_code == 400
