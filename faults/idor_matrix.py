"""The IDOR matrix: every role × every route that names an object × an object that role must
not reach, through the API, the console, the public site and Open311. Each answer must be a
refusal (401/403/404/410, or the console's way to the login page), never a 5xx, never the
object's data; and after every refused write the database is as it was.

    .venv/bin/python -m faults.idor_matrix [--database-url URL] [--quick]

By hand it builds its own county on a throw-away database (SQLite in a temporary folder by
default, or the empty PostgreSQL database it is given) at full length:
foreign issues in every state, two attacking departments and two attacking leaders.
tests/security/test_idor_matrix.py runs the bounded form (one foreign issue of each kind that matters)
on both databases, and checks that every route with an object in its address is covered.

Printed figures: requests sent, answers by status, 5xx seen, cross-department reads (answers
that let a caller see an object it may not), rows changed by refused requests.
"""
import io
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from faults.tables import digest
from faults.throwaway import arguments, throwaway_app
from models import (
    AccountabilityRecord,
    DepartmentRating,
    DisclosureBatch,
    IssueReport,
    Notice,
    Objection,
    Praise,
    RatingInvitation,
    RatingRound,
    RecheckMember,
    RecheckSample,
    SmsMessage,
    SmsStatus,
    User,
)
from service.assessment import contest
from service.core.db import open_session
from service.deadlines import calendar as work_calendar
from service.deadlines import policies as policy
from service.deadlines.calendar import local_date
from service.enterprises import registry as enterprise_registry
from service.enterprises import townships
from service.identity import sessions
from service.identity.directory import create_department, create_user
from service.intake import issues as intake
from service.intake.categories import seed_defaults as seed_categories
from service.ledger.uploads import keep_upload
from service.matching import classes as issue_classes
from service.reminders import robots
from service.reminders import sms_texts as templates
from service.workflow import attachments, meetings, saved_views
from service.workflow import transition as workflow
from service.workflow.transition import WorkflowOptions

PASSWORD = "Matrix-pass-2026"
ROLES = ("admin", "coordinator", "operator", "supervisor", "leader", "department", "anonymous")
SEE_ALL = frozenset({"admin", "coordinator", "operator", "supervisor"})
REFUSED = frozenset({401, 403, 404, 410})
# Tables a refused request must leave exactly as they were (sessions and login budgets change
# by logging in, which the matrix does not do, but they are not the objects under attack).
WATCHED = ("department", "user_account", "meeting", "issue", "issue_co_department", "issue_event",
           "attachment", "extension_request", "deadline_policy", "sms_template", "calendar_day",
           "category", "sms_outbox", "sms_inbound", "code_counter", "idempotent_request",
           "enterprise", "enterprise_leader", "leader_visit", "township", "issue_report",
           "sms_provider_template", "department_robot", "contest_praise", "contest_result", "contest_rules",
           "disclosure_batch", "disclosure_batch_issue", "objection",
           "recheck_sample", "recheck_member", "accountability_record", "saved_view",
           "notice", "rating_round", "rating_invitation", "department_rating")
# Routes with an object in the address that guard nothing a caller could reach for: the
# Swagger UI's files, the public service catalogue, Open311's token look-up (the token is the
# secret), and the catch-all for unknown Open311 paths.
NOT_OBJECTS = {"static", "swagger_assets.swagger_asset", "open311.service_definition", "open311.token",
               "open311.unknown",
               # Aliyun's and Tencent Cloud's pushes: <provider> names the sender, not an object, and
               # the callback token is the secret (web/webhooks.py)
               "mainland_webhooks.mainland_report", "mainland_webhooks.mainland_reply",
               # a 公示批次's page and its objection form are for anyone (service.disclosure.batches)
               "site.batch", "site.objection",
               # an approved photo of a published issue is for anyone; any other is the same 404
               # (tests/intake/test_public_photos.py)
               "site.issue_photo",
               # the reporter's page for a plan: the signed link is the key (tests/workflow/
               # test_consultation.py: a made-up or altered link is 404)
               "site.plan_opinion", "site.plan_opinion_answer",
               # the enterprise's 企业评议 page: the signed link is the key (tests/assessment/
               # test_ratings.py: a made-up or altered link is 404)
               "site.department_rating", "site.department_rating_answer"}
REPORT_TEXT = "越权测试办理情况报告"
NOTICE_TEXT = "越权测试站内通知"
# What each workflow step needs so that the permission check, not the body, decides.
STEP_BODIES = {
    "assign": lambda w: {"lead_department_id": w.departments["fgj"], "co_department_ids": [],
                         "lead_leader_id": w.user_ids["leader"], "responsible_person": "李明",
                         "responsible_phone": "13700001111", "note": "交办"},
    "answer_on_spot": lambda w: {"answer": "已当场答复"},
    "reject": lambda w: {"reason": "out_of_scope", "note": "不属本县职权"},
    "accept": lambda w: {"note": "签收"},
    "return": lambda w: {"reason": "不属本单位职责"},
    "plan": lambda w: {"plan": "办理方案"},
    "progress": lambda w: {"note": "办理进展"},
    "request_extension": lambda w: {"complete_due": w.future, "reason": "需要更多时间"},
    "decide_extension": lambda w: {"approve": True, "note": "同意"},
    "set_deadline": lambda w: {"deadlines": {"complete_due": w.future}, "reason": "重新确定时限"},
    "reassign": lambda w: {"lead_department_id": w.departments["fgj"], "responsible_person": "李明",
                           "responsible_phone": "13700001111", "reason": "越权改派"},
    "urge": lambda w: {"note": "请加快办理"},
    "suspend": lambda w: {"reason": "需省级审批", "review_on": w.future},
    "resume": lambda w: {"note": "恢复办理"},
    "escalate": lambda w: {"level": "province", "agency": "省自然资源厅", "sent_on": w.future,
                           "reason": "需省级审批", "review_on": w.future},
    "escalation_followup": lambda w: {"note": "电话询问省厅"},
    "escalation_answer": lambda w: {"answer": "省厅已答复"},
    "instruct": lambda w: {"note": "请抓紧"},
    "answer": lambda w: {"answer": "已答复"},
    "reply": lambda w: {"result": "已办结"},
    "report": lambda w: {"report": "办理情况报告"},
    "visit": lambda w: {"satisfaction": "satisfied", "note": "满意"},
    "unreached": lambda w: {"note": "电话无人接听"},
    "request_rating": lambda w: {"note": "请再次评价"},
    "plan_opinion": lambda w: {"opinion": "agree"},
    "rate_outcome": lambda w: {"satisfaction": "satisfied"},
    "proceed_plan": lambda w: {"reason": "经研究按原方案推进"},
    "close_off": lambda w: {"reason": "多次未联系上"},
    "evaluate": lambda w: {"verdict": "resolved", "evidence": "已核实"},
    "reopen": lambda w: {"reason": "仍未解决，请重办"},
    "publish": lambda w: {"public_summary": "已公开的摘要"},
    "withhold": lambda w: {"reason": "涉及商业秘密"},
    "withdraw": lambda w: {"reason": "撤回公示"},
    "recheck": lambda w: {"verdict": "false", "note": "越权复查不属实"},
}
# Who may take each step on an issue led by another department and another leader: the
# attacking department and leader never may; the see-all roles as the product's table says.
STEP_ROLES = {
    "assign": {"coordinator"}, "answer_on_spot": {"operator", "coordinator"}, "reject": {"coordinator"},
    "accept": set(), "return": set(), "plan": set(), "progress": {"coordinator"}, "request_extension": set(),
    "decide_extension": {"coordinator"}, "set_deadline": {"coordinator"}, "reassign": {"coordinator"},
    "urge": {"supervisor", "coordinator"},
    "suspend": {"coordinator"},
    "resume": {"coordinator"}, "escalate": {"coordinator"}, "escalation_followup": {"coordinator"},
    "escalation_answer": {"coordinator"}, "instruct": set(), "answer": set(), "reply": set(), "report": set(),
    "visit": {"coordinator"}, "unreached": {"coordinator"}, "request_rating": {"coordinator"},
    "plan_opinion": set(), "rate_outcome": set(), "proceed_plan": {"coordinator"},
    "close_off": {"coordinator"},
    "evaluate": {"coordinator"}, "reopen": {"coordinator"}, "publish": {"coordinator"}, "withhold": {"coordinator"},
    "withdraw": {"coordinator"}, "recheck": {"supervisor"},
}
OFFICE = {"coordinator"}
ADMIN = {"admin"}


@dataclass
class Foreign:
    """An issue the attacking department and leader must not reach, and what must not leak."""
    id: int
    code: str
    status: str
    secrets: tuple[str, ...]


@dataclass
class World:
    users: dict[str, User]                      # attacker name → user (roles and the owners)
    user_ids: dict[str, int]
    departments: dict[str, int]                 # code → id
    issues: list[Foreign]
    unpublished: list[Foreign]                  # for the public site and Open311
    attachment_ids: list[int]
    meeting_id: int
    attendees: tuple[str, ...]
    target_user_id: int
    target_department_id: int
    policy_id: int
    template_key: str
    calendar_day: str
    ledger_token: str
    own_card_department: str                    # the attacking department's own code
    future: str
    enterprise_id: int                          # an enterprise another leader (leader2) 包保
    enterprise_secrets: tuple[str, ...]
    owner_leader_id: int                        # leader2: leads the foreign issues, 包保 the enterprise
    township_id: int
    attackers: dict[str, list[str]] = field(default_factory=dict)  # role → usernames
    report_id: int | None = None                # a 办理情况报告 to another leader
    batch_id: int = 0                           # a 公示批次 with an objection, the office's
    objection_id: int = 0
    objector_phone: str = "13955550001"
    robot_id: int = 0                           # a department's group robot, the administrator's
    robot_secrets: tuple[str, ...] = ()         # its webhook key and signing secret
    failed_message_id: int = 0                  # a failed SMS only the office may resend
    class_id: int = 0                           # a 类案 led by another department (scj)
    failed_message_secrets: tuple[str, ...] = ()
    enterprise_token: str = ""                  # the coordinator's kept enterprise list upload
    praise_id: int = 0                          # 一事一表扬 of a quarter not yet stored: the office's
    contest_quarter: tuple[int, int] = (0, 0)   # a stored 擂台赛 quarter (year, quarter)
    sample_id: int = 0                          # a 复查 sample: the supervision office's
    member_id: int = 0                          # its member waiting for a verdict
    record_id: int = 0                          # a 问责 record against scj, with its PDF
    notice_id: int = 0                          # a notice to another leader (leader2): only theirs
    view_id: int = 0                            # a saved view of the issue list, leader2's alone
    round_id: int = 0                           # a 企业评议 round with an enterprise's comment on scj


@dataclass
class Cell:
    role: str
    who: str | None            # username, None for anonymous
    method: str
    path: str
    channel: str               # api, console, public, open311
    write: bool
    secrets: tuple[str, ...]   # what must not appear in the answer
    refuse: bool = True        # False: the caller may read the object, only `secrets` are hidden
    json: dict | None = None
    form: dict | None = None


# --- the county ------------------------------------------------------------------------------------

def _issue_data(n: int, tag: str) -> dict:
    return {"title": f"越权测试问题{tag}{n}号园区道路破损", "content": f"越权测试内容{tag}{n}，工业园区东路路面塌陷。",
            "channel": "hotline", "type": "help", "category": "基础设施", "township": "城关镇",
            "reporter": {"name": f"越权反映人{tag}{n}", "org": f"越权测试企业{tag}{n}有限公司",
                         "phone": f"1391234{n:04d}", "kind": "enterprise", "consent_public": False}}


def build_world(app: Flask, storage_dir: Path, *, full: bool = False) -> World:
    """Departments, users of every role, issues led by another department and another leader
    in the states asked for, an attachment, a meeting with attendees, admin objects, a kept
    ledger upload. Made through the service layer, as the office would."""
    engine = app.extensions["ys"]["engine"]
    now = datetime.now(timezone.utc)
    options = WorkflowOptions()
    with open_session(engine, write=True) as s:
        seed_categories(s)  # the issues below take one of the administrator's categories
        depts = {code: create_department(s, None, code, name, f"0915-32120{i:02d}").id for i, (code, name) in
                 enumerate((("fgj", "县发改局"), ("zrj", "县自然资源局"), ("scj", "县市场监管局")))}
        people = [("admin", "admin", None), ("coordinator", "coordinator", None), ("operator", "operator", None),
                  ("supervisor", "supervisor", None), ("leader", "leader", None), ("leader3", "leader", None),
                  ("leader2", "leader", None), ("fgj", "department", "fgj"), ("zrj", "department", "zrj"),
                  ("scj", "department", "scj")]
        users = {}
        for i, (name, role, dept) in enumerate(people):
            users[name] = create_user(s, None, username=name, password=PASSWORD, role=role, display_name=f"{name}用户",
                                      phone=f"1370000{i:04d}", department_id=depts[dept] if dept else None)
        users["admin"].totp_secret, users["admin"].totp_enabled_at = "JBSWY3DPEHPK3PXP", now
        s.add(users["admin"])
        s.commit()
        future = (local_date(now) + timedelta(days=40)).isoformat()
        assign = {"lead_department_id": depts["scj"], "co_department_ids": [], "lead_leader_id": users["leader2"].id,
                  "responsible_person": "王责任", "responsible_phone": "13600009999", "note": "交办"}
        reply, satisfied = {"result": "已办结"}, {"satisfaction": "satisfied"}
        chains = {
            "collected": [], "assigned": [("assign", "coordinator", assign)],
            "in_progress": [("assign", "coordinator", assign), ("accept", "scj", {})],
            "extension": [("assign", "coordinator", assign), ("accept", "scj", {}),
                          ("request_extension", "scj", {"complete_due": local_date(now) + timedelta(days=60),
                                                        "reason": "需要时间"})],
            "suspended": [("assign", "coordinator", assign), ("accept", "scj", {}),
                          ("suspend", "coordinator", {"reason": "需省级审批",
                                                      "review_on": local_date(now) + timedelta(days=30)})],
            "escalated": [("assign", "coordinator", assign), ("accept", "scj", {}),
                          ("escalate", "coordinator", {"level": "province", "agency": "省自然资源厅",
                                                       "sent_on": local_date(now), "reason": "需省级审批",
                                                       "review_on": local_date(now) + timedelta(days=30)})],
            "replied": [("assign", "coordinator", assign), ("accept", "scj", {}), ("reply", "scj", reply)],
            "closed": [("assign", "coordinator", assign), ("accept", "scj", {}), ("reply", "scj", reply),
                       ("report", "scj", {"report": REPORT_TEXT}), ("visit", "coordinator", satisfied)],
            "published": [("assign", "coordinator", assign), ("accept", "scj", {}), ("reply", "scj", reply),
                          ("visit", "coordinator", satisfied),
                          ("evaluate", "coordinator", {"verdict": "resolved", "evidence": "已核实"}),
                          ("publish", "coordinator", {"public_summary": "园区东路已修复。"})],
        }
        wanted = list(chains) if full else ["in_progress", "closed"]
        foreign, unpublished = [], []
        for n, state in enumerate(wanted):
            data = _issue_data(n, "甲")
            issue = intake.create_issue(s, users["operator"], data, now)
            for action, who, body in chains[state]:
                issue = workflow.transition(s, users[who], issue.id, action, body, now, options)
            kept = Foreign(issue.id, issue.code, issue.status,
                           (data["title"], data["reporter"]["name"], data["reporter"]["phone"],
                            data["reporter"]["org"]))
            foreign.append(kept)
            if issue.status != "published":
                unpublished.append(kept)
        attachment_ids = []
        for target in foreign[: (len(foreign) if full else 1)]:
            if target.status in ("closed", "published"):
                continue
            attachment_ids.append(attachments.add_attachment(
                s, users["coordinator"], target.id, io.BytesIO(b"%PDF-1.7\n%%EOF\n"), f"越权附件{target.id}.pdf", now,
                storage_dir).id)
        attendees = ("越权参会人张三", "越权参会人李四")
        meeting = meetings.create_meeting(s, users["coordinator"], {
            "kind": "breakfast", "title": "越权测试早餐会", "held_at": now + timedelta(days=3),
            "host_leader_id": users["leader2"].id, "attendees": list(attendees), "location": "县政府"}, now)
        row = policy.set_policy(s, users["admin"], {"issue_type": "help", "channel": "hotline", "accept_days": 1,
                                                     "reply_days": None, "complete_days": 9, "report_after": 2,
                                                     "visit_after": 5}, now)
        templates.set_template(s, users["admin"], "urged", "【督查办】请尽快办理{code}", now)
        templates.set_provider_template(s, users["admin"], "aliyun", "urged", "SMS_000000001", ["code", "title"],
                                        now)
        robot_key, robot_secret = "yuequan-robot-key-0123456789", "SECyuequan0123456789abcdef"
        robot = robots.save_robot(s, users["admin"], now, department_id=depts["scj"], kind="dingtalk",
                                  name="越权测试钉钉群",
                                  webhook_url=f"https://oapi.dingtalk.com/robot/send?access_token={robot_key}",
                                  secret=robot_secret, templates=["urged"])
        failed = SmsMessage(dedupe_key="matrix:failed:1", issue_id=foreign[0].id, recipient_phone="13966667777",
                            recipient_kind="department", template="urged", params={"code": foreign[0].code},
                            body="【督查办】越权测试失败短信", status=SmsStatus.FAILED, attempts=3,
                            last_error="越权测试发送失败", created_at=now, updated_at=now)
        s.add(failed)
        s.flush()
        day = local_date(now).replace(month=1, day=1) + timedelta(days=800)
        work_calendar.set_day(s, users["admin"], day, "workday", "越权测试", now)
        firm = enterprise_registry.add_enterprise(s, users["coordinator"], {
            "name": "越权测试包保企业有限公司", "credit_code": "91350100M000100Y43", "contact_name": "越权联系人",
            "contact_phone": "13655554444", "leader_ids": [users["leader2"].id]}, now)
        grouped = [intake.create_issue(s, users["operator"], _issue_data(90 + k, "类"), now).id for k in range(2)]
        issue_class = issue_classes.create_class(s, users["coordinator"], {
            "title": "越权测试类案", "lead_department_id": depts["scj"], "lead_leader_id": users["leader2"].id,
            "responsible_person": "越权责任人", "responsible_phone": "13600002222", "issue_ids": grouped}, now, options)
        township = townships.add_township(s, users["coordinator"], {"name": "越权测试镇"})
        uploads = Path(app.config.get("LEDGER_UPLOADS_DIR") or Path(app.instance_path) / "ledger_uploads")
        token = keep_upload(uploads, users["coordinator"].id, "台账.xlsx", b"PK\x03\x04", now)
        enterprise_token = keep_upload(uploads / "enterprises", users["coordinator"].id, "企业名单.xlsx",
                                       b"PK\x03\x04", now)
        batch = DisclosureBatch(title="越权测试公示", starts_on=local_date(now), ends_on=local_date(now),
                                created_at=now)
        s.add(batch)
        s.flush()
        objection = Objection(batch_id=batch.id, name="越权异议人", phone="13955550001", content="越权异议", at=now)
        s.add(objection)
        praise = Praise(department_id=depts["scj"], day=local_date(now) - timedelta(days=1), note="越权测试表扬",
                        points=2.0, created_at=now)
        s.add(praise)
        notice = Notice(user_id=users["leader2"].id, kind="reported", text=NOTICE_TEXT, link="/console/leader-reports",
                        dedupe_key="idor:notice", created_at=now)
        s.add(notice)
        contest_quarter = contest.quarter_choices(local_date(now))[0]
        contest.compute_quarter(s, *contest_quarter, contest.DEFAULT_RULES, now)
        sample = RecheckSample(period_start=local_date(now) - timedelta(days=40),
                               period_end=local_date(now) - timedelta(days=26), share=0.2, seed=7, pool=1,
                               drawn_at=now)
        s.add(sample)
        s.flush()
        member = RecheckMember(sample_id=sample.id, issue_id=foreign[-1].id, reason="drawn",
                               department_id=depts["scj"])
        decisions = Path(storage_dir) / "decisions"
        decisions.mkdir(parents=True, exist_ok=True)
        (decisions / "matrix-decision.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        record = AccountabilityRecord(kind="talk", department_id=depts["scj"], issue_ids=[foreign[0].id],
                                      document_no="越权测试问责〔2026〕1号", decided_on=local_date(now),
                                      document_filename="决定.pdf", document_stored_name="matrix-decision.pdf",
                                      document_size=15, created_at=now)
        s.add_all([member, record])
        s.commit()
        view = saved_views.save_view(s, users["leader2"], "越权测试视图", {"flag": "red"}, now)
        rating_round = RatingRound(title="越权测试评议", period_from=local_date(now) - timedelta(days=60),
                                   period_to=local_date(now) - timedelta(days=31), answer_by=local_date(now),
                                   opened_at=now, skipped=[])
        s.add(rating_round)
        s.flush()
        invitation = RatingInvitation(round_id=rating_round.id, enterprise_id=firm.id, phone="13655554444",
                                      nonce="idor-rating-nonce", sent_at=now)
        s.add(invitation)
        s.flush()
        s.add(DepartmentRating(round_id=rating_round.id, invitation_id=invitation.id, department_id=depts["scj"],
                               issues=1, score=2, comment="越权评议意见", answered_at=now))
        s.commit()
        world = World(users=users, user_ids={k: u.id for k, u in users.items()}, departments=depts,
                      issues=foreign, unpublished=unpublished, attachment_ids=attachment_ids,
                      meeting_id=meeting.id, attendees=attendees, target_user_id=users["zrj"].id,
                      target_department_id=depts["zrj"], policy_id=row.id, template_key="urged",
                      calendar_day=day.isoformat(), ledger_token=token, own_card_department="fgj",
                      future=future, enterprise_id=firm.id, enterprise_secrets=("越权联系人", "13655554444"),
                      owner_leader_id=users["leader2"].id, township_id=township.id,
                      report_id=s.execute(select(IssueReport.id)).scalars().first(),
                      batch_id=batch.id, objection_id=objection.id, robot_id=robot["id"],
                      robot_secrets=(robot_key, robot_secret), failed_message_id=failed.id,
                      failed_message_secrets=("13966667777", "越权测试失败短信"), class_id=issue_class.id,
                      enterprise_token=enterprise_token, praise_id=praise.id, contest_quarter=contest_quarter,
                      sample_id=sample.id, member_id=member.id, record_id=record.id,
                      notice_id=notice.id, view_id=view.id, round_id=rating_round.id)
    world.attackers = {"admin": ["admin"], "coordinator": ["coordinator"], "operator": ["operator"],
                       "supervisor": ["supervisor"], "leader": ["leader", "leader3"] if full else ["leader"],
                       "department": ["fgj", "zrj"] if full else ["fgj"], "anonymous": [None]}
    return world


# --- the cells ---------------------------------------------------------------------------------------

def _console_form(body: dict) -> dict:
    form = {}
    for key, value in body.items():
        if key == "approve":
            form[key] = "yes" if value else "no"
        elif isinstance(value, dict):  # the deadlines are boxes of their own on the page
            form.update({k: str(v) for k, v in value.items() if v is not None})
        elif isinstance(value, list):
            form[key] = [str(v) for v in value]
        elif value is not None:
            form[key] = str(value)
    return form


def cells(world: World) -> list[Cell]:
    out: list[Cell] = []

    def add(roles_may, method, path, channel, write, secrets=(), *, readers=None, partial=(), json_body=None,
            form=None):
        """A cell for every attacker whose role is not in `roles_may`. `secrets` must not show
        in the answer to a role outside `readers` (default: `roles_may`); `partial`: roles that
        may read the object, only not its `secrets`."""
        readers = roles_may if readers is None else readers
        for role in ROLES:
            if role in roles_may and role not in partial:
                continue
            hidden = () if role in readers else tuple(secrets)
            for who in world.attackers[role]:
                out.append(Cell(role, who, method, path, channel, write, hidden, refuse=role not in partial,
                                json=json_body, form=form))

    for issue in world.issues:
        i = issue.id
        issue_cells = [
            (SEE_ALL, "GET", f"/api/v1/issues/{i}", "api", None),
            (SEE_ALL, "GET", f"/api/v1/issues/{i}/events", "api", None),
            ({"operator", "coordinator"}, "PATCH", f"/api/v1/issues/{i}", "api",
             {"version": 1, "title": "越权修改的标题"}),
            ({"operator", "coordinator"}, "GET", f"/console/issues/{i}/edit", "console", None),
            ({"operator", "coordinator"}, "POST", f"/console/issues/{i}/edit", "console",
             {"version": "1", "title": "越权修改的标题", "content": "越权修改的内容"}),
            (SEE_ALL, "GET", f"/console/issues/{i}", "console", None),
            (SEE_ALL, "GET", f"/console/issues/{issue.code.lower()}", "console", None),
            (SEE_ALL, "GET", f"/console/intake/saved/{i}", "console", None),
            ({"operator", "coordinator", "supervisor"}, "POST", f"/console/intake/repeat/{i}", "console",
             {"reporter_phone": "13812345678", "channel": "hotline", "content": "越权关联"}),
            (SEE_ALL, "POST", f"/console/issues/{i}/attachments", "console",
             {"file": (b"%PDF-1.7\n%%EOF\n", "x.pdf")}),
            (OFFICE, "GET", f"/console/board/publication/{i}", "console", None),
            (OFFICE, "POST", f"/console/board/publication/{i}/preview", "console",
             {"public_title": "", "public_summary": "预览"}),
            (OFFICE, "POST", f"/console/board/publication/{i}/publish", "console", {"public_summary": "越权公开"}),
            (OFFICE, "POST", f"/console/board/publication/{i}/withhold", "console", {"reason": "越权不公开"}),
            ({"supervisor", "coordinator"}, "POST", f"/console/board/urge/{i}", "console", {"note": "越权催办"}),
            (OFFICE, "POST", f"/console/board/extensions/{i}", "console", {"approve": "yes", "note": "越权审批"}),
            (OFFICE, "POST", f"/console/board/visits/{i}", "console",
             {"satisfaction": "satisfied", "note": "越权回访"}),
            # 县长月末回访: the lead leader (leader2, no attacker) and the office on their behalf
            (OFFICE, "POST", f"/api/v1/issues/{i}/leader-visit", "api",
             {"satisfaction": "satisfied", "note": "越权回访", "leader_id": world.owner_leader_id}),
            (OFFICE, "POST", f"/console/visits/{i}", "console",
             {"satisfaction": "satisfied", "note": "越权回访", "leader_id": str(world.owner_leader_id)}),
            # the list's bulk actions with a foreign issue ticked: refused, not a row of a report
            ({"supervisor", "coordinator"}, "POST", "/api/v1/issues/bulk/urge", "api",
             {"issue_ids": [i], "note": "越权批量催办"}),
            ({"supervisor", "coordinator"}, "POST", "/console/issues/bulk/urge", "console",
             {"issue_ids": str(i), "note": "越权批量催办"}),
            (OFFICE, "POST", "/api/v1/issues/bulk/assign", "api",
             {"issue_ids": [i], **STEP_BODIES["assign"](world)}),
            (OFFICE, "POST", "/console/issues/bulk/assign", "console", {"issue_ids": str(i)}),
            ({"admin", "coordinator", "supervisor"}, "POST", "/api/v1/issues/bulk/export.xlsx", "api",
             {"issue_ids": [i]}),
            ({"admin", "coordinator", "supervisor"}, "POST", "/console/issues/bulk/export", "console",
             {"issue_ids": str(i)}),
        ]
        for action, make in STEP_BODIES.items():
            body = make(world)
            issue_cells.append((STEP_ROLES[action], "POST", f"/api/v1/issues/{i}/actions/{action}", "api", body))
            issue_cells.append((STEP_ROLES[action], "POST", f"/console/issues/{i}/actions/{action}", "console",
                                _console_form(body)))
        for roles_may, method, path, channel, body in issue_cells:
            # every see-all role reads the issue anyway: a refusal need not hide it from them
            add(roles_may, method, path, channel, method != "GET", issue.secrets, readers=SEE_ALL,
                json_body=body if channel == "api" else None, form=body if channel == "console" and body else None)
    for a in world.attachment_ids:
        add(SEE_ALL, "GET", f"/console/attachments/{a}", "console", False, ("%PDF",))
        add(SEE_ALL, "GET", f"/console/attachments/{a}/view", "console", False, ("%PDF",))
    m, attendees, attendee_readers = world.meeting_id, world.attendees, {"coordinator", "supervisor"}
    add({"operator", "coordinator", "supervisor"}, "GET", f"/api/v1/meetings/{m}", "api", False, attendees,
        readers=attendee_readers, partial={"operator"})
    add(OFFICE, "POST", f"/api/v1/meetings/{m}/assignments", "api", True, attendees, readers=attendee_readers,
        json_body={"assignments": [{"issue_id": world.issues[0].id, **STEP_BODIES["assign"](world)}]})
    add(OFFICE, "GET", f"/console/meetings/{m}", "console", False, attendees, readers=attendee_readers)
    add(OFFICE, "POST", f"/console/meetings/{m}/assign", "console", True, attendees, readers=attendee_readers,
        form={"rows-0-issue_id": str(world.issues[0].id), "rows-0-include": "1"})
    add(attendee_readers, "GET", f"/console/meetings/{m}/sheet", "console", False, attendees)
    add(attendee_readers, "GET", f"/api/v1/meetings/{m}/changes", "api", False, attendees)
    add(OFFICE, "PATCH", f"/api/v1/meetings/{m}", "api", True, attendees, readers=attendee_readers,
        json_body={"title": "越权修改的会议名称"})
    add(OFFICE, "GET", f"/console/meetings/{m}/edit", "console", False, attendees, readers=attendee_readers)
    add(OFFICE, "POST", f"/console/meetings/{m}/edit", "console", True, attendees, readers=attendee_readers,
        form={"title": "越权修改的会议名称", "held_at": "2026-11-05T07:30"})
    # 企业库: an enterprise another leader 包保; that leader's pages; the township list
    e, firm_secrets = world.enterprise_id, world.enterprise_secrets
    add(SEE_ALL, "GET", f"/api/v1/enterprises/{e}", "api", False, firm_secrets)
    add(SEE_ALL, "GET", f"/console/enterprises/{e}", "console", False, firm_secrets)
    add({"coordinator", "operator"}, "PATCH", f"/api/v1/enterprises/{e}", "api", True, firm_secrets,
        json_body={"industry": "越权修改的行业"})
    add({"coordinator", "operator"}, "GET", f"/console/enterprises/{e}/edit", "console", False, firm_secrets)
    add({"coordinator", "operator"}, "POST", f"/console/enterprises/{e}/edit", "console", True, firm_secrets,
        form={"name": "越权修改的企业", "industry": "越权修改的行业"})
    # the coordinator's kept enterprise list upload: nobody else imports it
    add(OFFICE, "POST", f"/console/enterprises/import/{world.enterprise_token}", "console", True, form={})
    lead = world.owner_leader_id
    for path, channel in ((f"/api/v1/leaders/{lead}/enterprises", "api"), (f"/api/v1/leaders/{lead}/visits", "api"),
                          (f"/api/v1/leaders/{lead}/ledger.xlsx", "api"),
                          (f"/console/leaders/{lead}/enterprises", "console"),
                          (f"/console/leaders/{lead}/ledger.xlsx", "console")):
        add({"coordinator", "supervisor"}, "GET", path, channel, False, firm_secrets)
    add(attendee_readers, "GET", f"/api/v1/meetings/{m}/enterprises", "api", False, attendees)
    add({"coordinator", "admin"}, "PATCH", f"/api/v1/townships/{world.township_id}", "api", True,
        json_body={"name": "越权改名镇"})
    # a 类案's answer: only its lead department (scj, no attacker) gives it
    add(set(), "POST", f"/console/classes/{world.class_id}/answer", "console", True, ("越权测试类案",),
        readers=SEE_ALL, form={"answer": "越权统一答复"})
    # a 公示批次's objections in full, and their answers: the office's
    add(OFFICE, "GET", f"/api/v1/disclosure-batches/{world.batch_id}/objections", "api", False,
        (world.objector_phone,))
    add(OFFICE, "POST", f"/api/v1/objections/{world.objection_id}/answer", "api", True, (world.objector_phone,),
        json_body={"answer": "越权答复"})
    add(OFFICE, "GET", f"/console/batches/{world.batch_id}", "console", False, (world.objector_phone,))
    # a public submission's photo made public or not: the office's (the table refuses before the file)
    add(OFFICE, "POST", f"/console/attachments/{world.attachment_ids[0]}/public", "console", True, form={"public": "1"})
    add(OFFICE, "GET", f"/console/batches/{world.batch_id}/print", "console", False)
    add(OFFICE, "POST", f"/console/batches/{world.batch_id}/objections/{world.objection_id}/answer", "console", True,
        (world.objector_phone,), form={"answer": "越权答复"})
    # another department's report card: its own is the department's; the office's roles read all
    card = world.departments["scj"]
    for suffix in ("", ".xlsx"):
        add({"coordinator", "supervisor", "leader", "admin"}, "GET", f"/console/reports/departments/{card}{suffix}",
            "console", False, ("县市场监管局",))
    # a report to another leader: only that leader marks it read
    add(set(), "POST", f"/api/v1/reports/{world.report_id}/read", "api", True, (REPORT_TEXT,))
    add(set(), "POST", f"/console/leader-reports/{world.report_id}/read", "console", True, (REPORT_TEXT,), form={})
    # a notice (站内通知) is its user's alone: nobody else reads or marks it
    add(set(), "POST", f"/api/v1/notices/{world.notice_id}/read", "api", True, (NOTICE_TEXT,))
    add(set(), "POST", f"/console/notices/{world.notice_id}/open", "console", True, (NOTICE_TEXT,), form={})
    # a saved view of the issue list is its user's alone: nobody else reads or deletes it
    add(set(), "GET", f"/api/v1/views/{world.view_id}", "api", False, ("越权测试视图",))
    add(set(), "PATCH", f"/api/v1/views/{world.view_id}", "api", True, ("越权测试视图",),
        json_body={"name": "越权改名的视图"})
    add(set(), "DELETE", f"/api/v1/views/{world.view_id}", "api", True, ("越权测试视图",))
    add(set(), "POST", f"/console/issues/views/{world.view_id}/delete", "console", True, ("越权测试视图",), form={})
    # 一事一表扬 entered by the office: only the office removes it
    add(OFFICE, "DELETE", f"/api/v1/contest/praises/{world.praise_id}", "api", True)
    add(OFFICE, "POST", f"/console/contest/praises/{world.praise_id}/delete", "console", True, form={})
    # 企业评议: read like the contest; which enterprise said what is the office's alone (tested in
    # tests/assessment/test_ratings.py)
    for path in (f"/api/v1/ratings/rounds/{world.round_id}", f"/api/v1/ratings/rounds/{world.round_id}/export.xlsx"):
        add({"coordinator", "supervisor", "leader", "admin"}, "GET", path, "api", False, ("越权评议意见",))
    add(OFFICE, "POST", f"/api/v1/ratings/rounds/{world.round_id}/reminders", "api", True, ("越权评议意见",))
    add(OFFICE, "POST", f"/console/ratings/{world.round_id}/reminders", "console", True, ("越权评议意见",), form={})
    # the console's round page and workbook: read by the same roles; the enterprise table (its names
    # and comments) is the office's alone, the others read the results only
    for path in (f"/console/ratings/{world.round_id}", f"/console/ratings/{world.round_id}.xlsx"):
        add({"coordinator", "supervisor", "leader", "admin"}, "GET", path, "console", False, ("越权评议意见",),
            readers={"coordinator"}, partial=("supervisor", "leader", "admin"))
    # 复查: the supervision office's sample, read by the office too; only the supervision office decides
    add({"supervisor", "coordinator"}, "GET", f"/api/v1/recheck/samples/{world.sample_id}", "api", False)
    add({"supervisor"}, "POST", f"/api/v1/recheck/members/{world.member_id}/verdict", "api", True,
        json_body={"verdict": "false", "note": "越权复查不属实"})
    add({"supervisor"}, "POST", f"/console/recheck/members/{world.member_id}", "console", True,
        form={"verdict": "false", "note": "越权复查不属实"})
    # 问责 against scj: the offices and leaders read it, scj itself too, no other department
    for path, channel in ((f"/api/v1/accountability/{world.record_id}", "api"),
                          (f"/api/v1/accountability/{world.record_id}/document", "api"),
                          (f"/console/accountability/{world.record_id}/document", "console")):
        add({"supervisor", "coordinator", "leader", "admin"}, "GET", path, channel, False,
            ("越权测试问责", "%PDF"))
    add({"supervisor"}, "PUT", f"/api/v1/accountability/{world.record_id}/document", "api", True,
        ("越权测试问责", "%PDF"))
    # the coordinator's kept ledger upload: nobody else imports it
    add(OFFICE, "POST", f"/console/ledger/import/{world.ledger_token}", "console", True, form={})
    # the administrator's objects
    u, d = world.target_user_id, world.target_department_id
    admin_api = [("PUT", f"/api/v1/admin/calendar/{world.calendar_day}", {"kind": "holiday", "note": "越权"}),
                 ("DELETE", f"/api/v1/admin/calendar/{world.calendar_day}", None),
                 ("DELETE", f"/api/v1/admin/deadline-policies/{world.policy_id}", None),
                 ("PUT", f"/api/v1/admin/sms-templates/{world.template_key}", {"body": "越权模板{code}"}),
                 ("DELETE", f"/api/v1/admin/sms-templates/{world.template_key}", None),
                 ("PUT", f"/api/v1/admin/sms-templates/{world.template_key}/providers/aliyun",
                  {"template_code": "SMS_999999999", "params": ["code"]}),
                 ("DELETE", f"/api/v1/admin/sms-templates/{world.template_key}/providers/aliyun", None),
                 ("PUT", "/api/v1/admin/reporter-messages/registered_reporter/channels/hotline", {"on": False})]
    for method, path, body in admin_api:
        add(ADMIN, method, path, "api", True, json_body=body)
    admin_console = [(f"/console/admin/calendar/{world.calendar_day}/delete", {}),
                     (f"/console/admin/departments/{d}", {"name": "越权改名", "contact_phone": ""}),
                     (f"/console/admin/departments/{d}/active", {"active": "0"}),
                     (f"/console/admin/policies/{world.policy_id}/delete", {}),
                     (f"/console/admin/templates/{world.template_key}", {"body": "越权模板{code}"}),
                     (f"/console/admin/templates/{world.template_key}/reset", {}),
                     (f"/console/admin/templates/{world.template_key}/providers/aliyun",
                      {"template_code": "SMS_999999999", "params": "code"}),
                     ("/console/admin/reporter-messages", {"on": "registered_reporter:hotline"}),
                     (f"/console/admin/users/{u}/active", {"active": "0"}),
                     (f"/console/admin/users/{u}/password", {"password": "Yuequan-mima-2026"}),
                     (f"/console/admin/users/{u}/two-factor/reset", {})]
    for path, form in admin_console:
        add(ADMIN, "POST", path, "console", True, form=form)
    # a department's group robot: its address and secret are the administrator's alone
    r = world.robot_id
    add(ADMIN, "POST", f"/console/admin/robots/{r}", "console", True, world.robot_secrets,
        form={"department_id": str(world.departments["fgj"]), "kind": "dingtalk", "name": "越权改名的机器人",
              "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=yuequan-taken-over",
              "secret": "", "templates": "urged", "active": "1"})
    add(ADMIN, "POST", f"/console/admin/robots/{r}/delete", "console", True, world.robot_secrets, form={})
    # a failed text queued again: the office, the administrator and the supervision office only
    add({"admin", "coordinator", "supervisor"}, "POST", f"/console/board/delivery/resend/{world.failed_message_id}",
        "console", True, world.failed_message_secrets, form={})
    # unpublished issues on the public side: nobody, whatever token or cookie comes along
    for issue in world.unpublished:
        for path, channel in ((f"/issues/{issue.code}", "public"), (f"/api/v1/public/issues/{issue.code}", "api"),
                              (f"/open311/v2/requests/{issue.code}.json", "open311"),
                              (f"/open311/v2/requests/{issue.code}.xml", "open311")):
            add(set(), "GET", path, channel, False, issue.secrets)
    return out


# List probes: a filter naming a foreign object must not bring it back.
def probes(world: World) -> list[Cell]:
    out = []
    scj = world.departments["scj"]
    for who in world.attackers["department"] + world.attackers["leader"]:
        role = "department" if who in world.attackers["department"] else "leader"
        for path in (f"/api/v1/issues?department_id={scj}", f"/api/v1/issues?q={world.issues[0].code}",
                     f"/console/issues?department_id={scj}", f"/console/issues?q={world.issues[0].code}"):
            secrets = tuple(s for issue in world.issues for s in issue.secrets[:1])
            out.append(Cell(role, who, "GET", path, "api" if path.startswith("/api") else "console", False,
                            secrets, refuse=False))
    for issue in world.unpublished:
        out.append(Cell("anonymous", None, "GET", f"/open311/v2/requests.json?service_request_id={issue.code}",
                        "open311", False, issue.secrets, refuse=False))
    return out


def uncovered_routes(app: Flask, all_cells: list[Cell]) -> list[str]:
    """Rules with an object in their address that no cell reaches."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for cell in all_cells:
        endpoint, _ = adapter.match(cell.path.split("?")[0], method=cell.method)
        reached.add(endpoint)
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.arguments - {"fmt"} and rule.endpoint not in NOT_OBJECTS and rule.endpoint not in reached:
            missing.append(f"{','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))} {rule.rule}")
    return sorted(missing)


# --- running it --------------------------------------------------------------------------------------

class Callers:
    """A test client per attacker: a bearer token for the API, a console session for pages."""

    def __init__(self, app: Flask, world: World):
        self.app, self.clients, self.tokens, self.csrf = app, {}, {}, {}
        engine = app.extensions["ys"]["engine"]
        now = datetime.now(timezone.utc)
        with open_session(engine, write=True) as s:
            for role in ROLES:
                for who in world.attackers[role]:
                    client = app.test_client()
                    if who is not None:
                        user = s.get(User, world.user_ids[who])
                        self.tokens[who] = sessions.issue_token(s, user, now)[0]
                        session_token = sessions.issue_token(s, user, now, kind=sessions.CONSOLE)[0]
                        with client.session_transaction() as cookie:
                            cookie["_user_id"] = session_token
                            cookie["ys_login_at"] = cookie["ys_seen_at"] = now.timestamp()
                        page = client.get("/console/password").get_data(as_text=True)
                        self.csrf[who] = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
                    else:
                        page = client.get("/console/login").get_data(as_text=True)
                        self.csrf[who] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
                    self.clients[who] = client

    def send(self, cell: Cell):
        client = self.clients[cell.who]
        headers = {"Accept": "text/html,application/json;q=0.9"}
        if cell.channel == "api" and cell.who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[cell.who]}"
        if cell.form is not None:
            data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in cell.form.items()}
            data["csrf_token"] = self.csrf[cell.who]
            return client.open(cell.path, method=cell.method, data=data, headers=headers)
        return client.open(cell.path, method=cell.method, json=cell.json, headers=headers)


def _refused(cell: Cell, resp) -> bool:
    if resp.status_code in REFUSED:
        return True
    location = resp.headers.get("Location", "")
    return resp.status_code == 302 and cell.channel == "console" and "/console/login" in location


def run(app: Flask, world: World, *, log=lambda _: None) -> dict:
    """Send every cell and the probes; answer the figures and the problems found."""
    engine = app.extensions["ys"]["engine"]
    callers = Callers(app, world)
    all_cells = cells(world) + probes(world)
    statuses, problems = Counter(), []
    cross_reads = changed = server_errors = 0
    before = digest(engine, WATCHED)
    for n, cell in enumerate(all_cells):
        resp = callers.send(cell)
        statuses[resp.status_code] += 1
        body = resp.get_data()
        text_body = body.decode("utf-8", "replace")
        where = f"{cell.role}:{cell.who} {cell.method} {cell.path}"
        if resp.status_code >= 500:
            server_errors += 1
            problems.append(f"{where} → {resp.status_code}")
        leaked = [s for s in cell.secrets if s in text_body]
        refused_ok = _refused(cell, resp)
        if cell.write:
            after = digest(engine, WATCHED)
            if after != before:
                changed += 1
                problems.append(f"{where} changed the database ({resp.status_code})")
                before = after
            if resp.status_code == 400:
                problems.append(f"{where} → 400: the request did not reach the permission check")
            elif cell.channel != "console" and not refused_ok:
                problems.append(f"{where} → {resp.status_code}, not refused")
        elif cell.refuse and not refused_ok:
            cross_reads += 1
            problems.append(f"{where} → {resp.status_code}: read what it may not")
        elif leaked:
            cross_reads += 1
        if leaked:
            problems.append(f"{where} → {resp.status_code} shows {leaked[0]!r}")
        if n % 200 == 199:
            log(f"{n + 1} requests")
    return {"requests": len(all_cells), "statuses": dict(sorted(statuses.items())), "server_errors": server_errors,
            "cross_reads": cross_reads, "rows_changed_by_refused": changed,
            "uncovered_routes": uncovered_routes(app, all_cells), "problems": problems}


def main() -> int:
    args = arguments(__doc__)
    with throwaway_app(args.database_url, "matrix") as (app, folder):
        world = build_world(app, folder / "attachments", full=not args.quick)
        report = run(app, world, log=print)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = not report["problems"] and not report["uncovered_routes"]
    print("OK: every cell refused, nothing read, nothing changed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
