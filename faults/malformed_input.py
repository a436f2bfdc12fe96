"""The malformed-input corpus: every write endpoint — the JSON API, the console's forms, the public
site's /submit and /track, Open311's POST, the SMS webhooks, the ledger imports and uploads — sent
values no field may take: NUL and other control characters, unpaired surrogates, invalid UTF-8,
text far over its column, line breaks in one-line fields, deep nesting, wrong types, numbers
beyond the database's integer, impossible dates, digits that are not ASCII, broken and hostile
files. Every answer must be a refusal (4xx; a console page that answers a refusal by a redirect
with a message may redirect) and never a 5xx, and no row of any table may change.

    .venv/bin/python -m faults.malformed_input [--database-url URL] [--quick]

It builds its own county on a throw-away database (SQLite in a temporary folder by default, or the
empty database it is given), each endpoint with its own issue in the state its valid request
needs. After the attacks every endpoint's valid request is sent once and must be accepted (and
change the database where it writes): so each refusal above was the bad value's doing, not a
missing token or a wrong state. The endpoints come from the application's URL map: a write route
the corpus does not cover fails the run. tests/security/test_malformed_input.py runs the bounded form
(`quick`: one bad value per field in turn, every whole-body attack) on both databases.

Printed figures: requests sent, answers by status, 5xx seen, bad values accepted, rows changed by
refused requests, valid requests refused.
"""
import copy
import io
import json
import re
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pyotp
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import select, update
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from faults.tables import digest
from faults.throwaway import arguments, throwaway_app
from models import (
    AccountabilityRecord,
    Attachment,
    Issue,
    IssueReport,
    Notice,
    PlanConsultation,
    Praise,
    RatingInvitation,
    RecheckMember,
    RecheckSample,
    SmsMessage,
    SmsStatus,
    User,
)
from service.assessment import ratings
from service.assessment.contest import quarter_choices
from service.core import links
from service.core.db import open_session
from service.deadlines import calendar as work_calendar
from service.deadlines import policies as policy
from service.deadlines.calendar import local_date
from service.disclosure import batches
from service.enterprises import registry as enterprise_registry
from service.enterprises import townships
from service.identity import sessions
from service.identity.directory import create_department, create_user
from service.intake import issues as intake
from service.intake.categories import seed_defaults
from service.ledger.columns import COLUMNS
from service.ledger.uploads import keep_upload
from service.matching import classes as issue_classes
from service.reminders import robots
from service.reminders import sms_texts as templates
from service.workflow import meetings, saved_views
from service.workflow import transition as workflow
from service.workflow.transition import CONSULT_LINK, WorkflowOptions
from service.workflow.visibility import reporter_actor

PASSWORD = "Corpus-pass-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TWILIO_TOKEN = "corpus-twilio-auth-token"
# Aliyun's and Tencent Cloud's pushes carry the callback token their address was given.
CALLBACK_TOKENS = {"aliyun": "corpus-aliyun-callback-token", "tencent": "corpus-tencent-callback-token"}
# Routes that take no input a caller could spoil: the Swagger UI's files, Open311's catch-all.
NOT_WRITES = {"static", "swagger_assets.swagger_asset", "open311.unknown",
              # the reporter's opinion on a plan: no staff user may take it (tests/workflow/
              # test_transitions.py); the reporter's door is /plan/<token>, in this corpus
              "issues.action_plan_opinion",
              # a merged issue's reporter rating the main outcome: only by SMS reply
              # (tests/workflow/test_merged_issues.py), no staff user may take it
              "issues.action_rate_outcome"}
# Answers that refuse.
REFUSALS = range(400, 500)
REDIRECT, FORM_AGAIN = frozenset({302, 303}), frozenset({200})

# --- the bad values ----------------------------------------------------------------------------------


class Raw(str):
    """A JSON value written into the body as it is (`1e400`, `NaN`): json.dumps cannot make it."""


HUGE = "长" * 6000
VALUES: dict[str, list[tuple[str, object]]] = {
    # Any field that takes text, in JSON or a form.
    "text": [("NUL", "甲\x00乙"), ("ESC", "甲\x1b[31m乙"), ("vertical tab", "甲\x0b乙"), ("DEL", "甲\x7f乙"),
             ("6,000 characters", HUGE), ("unpaired surrogate", "\ud800甲"), ("low surrogate", "甲\udfff")],
    # A one-line field besides.
    "line": [("line break", "第一行\n第二行"), ("tab", "甲\t乙"), ("carriage return", "甲\r乙")],
    # A record's number.
    "id": [("20 digits", 99999999999999999999), ("2^31", 2**31), ("-1", -1), ("0", 0), ("1e30", 1e30),
           ("1e400", Raw("1e400")), ("4,301 digits", Raw("9" * 4301)), ("NaN", Raw("NaN")),
           ("string", "十二"), ("true", True), ("object", {"id": 1}), ("list", [1])],
    "int": [("20 digits", 99999999999999999999), ("-2^31-1", -(2**31) - 1), ("1e400", Raw("1e400")),
            ("Infinity", Raw("Infinity")), ("superscript digits", "²⁰"), ("string", "三"), ("list", [1])],
    "date": [("30 February", "2026-02-30"), ("year 99999", "99999-01-01"), ("year 0", "0000-01-01"),
             ("words", "下周一"), ("full-width digits", "２０２６-０３-０１"), ("number", 20260301),
             ("list", ["2026-03-01"])],
    "datetime": [("hour 25", "2026-03-01T25:00:00+08:00"), ("month 13", "2026-13-01T08:00:00+08:00"),
                 ("words", "明天上午"), ("number", 1767225600)],
    "choice": [("not in the list", "没有这个选项"), ("number", 7), ("list", ["a"]), ("object", {"a": 1})],
    "bool": [("word", "maybe"), ("number", 2), ("list", [True])],
    "phone": [("10 digits", "1381234567"), ("full-width digits", "13８１２３４５６７８"),
              ("Arabic-Indic digits", "13٨١٢٣٤٥٦٧٨"), ("letters", "1381234567a")],
    # Open311's phone may be any country's: only its digits are checked
    "anyphone": [("full-width digits", "13８１２３４５６７８"), ("Arabic-Indic digits", "13٨١٢٣٤٥٦٧٨"),
                 ("letters", "1381234567a")],
    "ids": [("20 digits", [99999999999999999999]), ("not a list", "1,2"), ("nested", [[1]]),
            ("1,000 items", list(range(1, 1001)))],
    "list": [("not a list", "甲"), ("10,000 items", ["甲"] * 10000), ("list of objects", [{"a": 1}])],
    "object": [("string", "甲"), ("list", [1, 2]), ("number", 3)],
}
# What a form can carry of each (forms have no types: only the texts).
FORM_KINDS = {"id": [("20 digits", "99999999999999999999"), ("-1", "-1"), ("1e30", "1e30"),
                     ("superscript digits", "²³"), ("words", "十二")],
              "int": [("20 digits", "99999999999999999999"), ("superscript digits", "²⁰"), ("words", "三")]}
# Unpaired surrogates have no UTF-8 form, so a form cannot carry them; what comes closest is the
# bytes a surrogate would have been (ED A0 80), which are not UTF-8: the whole-body cases send them.
FORM_TEXT = [(label, value) for label, value in VALUES["text"] if "surrogate" not in label]


TEXTUAL = frozenset({"text", "line", "choice", "phone", "anyphone", "date", "datetime"})


def values_for(kind: str, encoding: str) -> list[tuple[str, object]]:
    """The bad values for a field of `kind` sent as `encoding` (json, form or multipart)."""
    own = [] if kind == "text" else VALUES.get(kind, [])
    if encoding == "json":
        return own + (VALUES["text"] if kind in TEXTUAL else VALUES["text"][:1])
    own = FORM_KINDS.get(kind) or [(label, v) for label, v in own if isinstance(v, str) and not isinstance(v, Raw)]
    return own + FORM_TEXT


# --- broken and hostile files ------------------------------------------------------------------------

def ledger_file(rows: int = 1) -> bytes:
    """A small ledger (the required columns) that imports, `rows` issues."""
    wb = Workbook()
    ws = wb.active
    required = [c for c in COLUMNS if c.required]
    ws.append(["编号"] + [c.title for c in required])
    samples = {"title": "台账导入的问题", "content": "台账导入的问题内容。", "channel": "hotline",
               "status": "collected", "created_at": "2026-03-02 09:00"}
    for n in range(rows):
        ws.append([""] + [f"{samples.get(c.key, '')}{n if c.key == 'title' else ''}" for c in required])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _swap_part(data: bytes, part: str, change) -> bytes:
    """The workbook with one of its zip parts changed by `change(bytes) -> bytes`, or left out
    when `change` answers None."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content = change(content)
            if content is not None:
                target.writestr(item, content)
    return out.getvalue()


def _body_of(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


SHEET, BOOK = "xl/worksheets/sheet1.xml", "xl/workbook.xml"
XXE = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8))
          + b"]>")


def enterprise_file() -> bytes:
    """A small enterprise list that imports."""
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "企业规模"])
    ws.append(["语料导入企业有限公司", "91440300708461136T", "规上"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bad_files() -> list[tuple[str, str, bytes]]:
    """(label, file name, content) of files no import may take."""
    good = ledger_file()
    first_value = re.compile(rb"<v>|<t>|<is><t>")

    def entity(prolog: bytes, name: bytes):
        return lambda xml: prolog + first_value.sub(lambda m: m.group(0) + b"&" + name + b";", _body_of(xml), 1)

    return [
        ("empty file", "台账.xlsx", b""),
        ("not a workbook", "台账.xlsx", "编号,问题标题\n1,甲\n".encode()),
        ("truncated zip", "台账.xlsx", good[: len(good) // 2]),
        ("sheet XML cut in half", "台账.xlsx", _swap_part(good, SHEET, lambda x: x[: len(x) // 2])),
        ("sheet XML not XML", "台账.xlsx", _swap_part(good, SHEET, lambda x: b"<worksheet><sheetData><row")),
        ("workbook XML broken", "台账.xlsx", _swap_part(good, BOOK, lambda x: x[:40])),
        ("XXE in the sheet", "台账.xlsx", _swap_part(good, SHEET, entity(XXE, b"xxe"))),
        ("billion laughs in the sheet", "台账.xlsx", _swap_part(good, SHEET, entity(LAUGHS, b"i"))),
        ("character reference to NUL", "台账.xlsx",
         _swap_part(good, SHEET, lambda x: first_value.sub(lambda m: m.group(0) + b"&#0;", x, 1))),
        ("sheet missing", "台账.xlsx", _swap_part(good, SHEET, lambda x: None)),
        ("workbook part missing", "台账.xlsx", _swap_part(good, BOOK, lambda x: None)),
        ("over 10 MB", "台账.xlsx", b"PK\x03\x04" + b"\x00" * (10 * 1024 * 1024 + 10)),
        ("a program named .xlsx", "台账.xlsx", b"MZ\x90\x00" + b"\x00" * 60),
    ]


BAD_ATTACHMENTS = [
    ("a program", "工具.exe", b"MZ\x90\x00" + b"\x00" * 60),
    ("content not its extension", "照片.pdf", b"MZ\x90\x00" + b"\x00" * 60),
    ("empty", "空.pdf", b""),
    ("no name", "", b"%PDF-1.7\n%%EOF\n"),
]

# photos on a public submission: only real JPG/PNG images, 10 MB each
TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8"
                         "cfc0000003010100c9fe92ef0000000049454e44ae426082")
BAD_PHOTOS = [
    ("a program", "现场.jpg", b"MZ\x90\x00" + b"\x00" * 60),
    ("not a photo", "现场.pdf", b"%PDF-1.7\n%%EOF\n"),
    ("a GIF", "现场.gif", b"GIF89a" + b"\x00" * 20),
    ("empty", "空.png", b""),
    ("over 10 MB", "大.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024)),
]


# --- the county and its endpoints ---------------------------------------------------------------------

@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    who: str | None                     # username; None for anonymous
    channel: str                        # api, console, public, open311, webhook
    body: dict | list                   # the valid request (a JSON array for some webhooks)
    fields: dict[str, str]              # field → kind, the fields attacked one by one
    encoding: str = "json"              # json, form, multipart
    # other answers that refuse, provided nothing changed: a redirect with a message (302), a
    # login form shown again with its error (200)
    also_refuses: frozenset = frozenset()
    writes: bool = True                 # its valid request changes the database
    volatile: frozenset = frozenset()   # tables it may change even when it refuses (failed logins)
    control: bool = True                # send the valid request at the end
    files: list = field(default_factory=list)   # (field, label, name, content) bad uploads


@dataclass
class World:
    app: Flask
    users: dict[str, int]
    departments: dict[str, int]
    endpoints: list[Endpoint] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _issue_data(tag: str, phone: str) -> dict:
    return {"title": f"语料测试问题{tag}", "content": f"语料测试问题{tag}的内容：园区道路破损。", "channel": "hotline",
            "type": "help", "category": "基础设施", "township": "城关镇",
            "reporter": {"name": "王语料", "org": "语料测试有限公司", "phone": phone, "kind": "enterprise",
                         "consent_public": False}}


def build_world(app: Flask) -> World:
    """Departments, users of every role (and a few to spend on the destructive requests), and for
    every endpoint that acts on an issue its own issue in the state its valid request needs."""
    engine = app.extensions["ys"]["engine"]
    now = _now()
    today = local_date(now)
    future = today + timedelta(days=40)
    options = WorkflowOptions(link_secret=app.config["SECRET_KEY"])
    with open_session(engine, write=True) as s:
        seed_defaults(s)
        depts = {code: create_department(s, None, code, name, f"0915-32130{i:02d}").id for i, (code, name) in
                 enumerate((("fgj", "县发改局"), ("zrj", "县自然资源局"), ("scj", "县市场监管局")))}
        people = [("admin", "admin", None), ("coordinator", "coordinator", None), ("operator", "operator", None),
                  ("supervisor", "supervisor", None), ("leader", "leader", None), ("fgj", "department", "fgj"),
                  ("pwuser", "operator", None), ("leaver", "operator", None), ("victim", "department", "zrj"),
                  ("victim2", "department", "zrj"), ("victim3", "department", "zrj"),
                  ("halfway", "department", "zrj")]
        users = {}
        for i, (name, role, dept) in enumerate(people):
            users[name] = create_user(s, None, username=name, password=PASSWORD, role=role,
                                      display_name=f"{name}用户", phone=f"1370001{i:04d}",
                                      department_id=depts[dept] if dept else None)
        users["admin"].totp_secret, users["admin"].totp_enabled_at = TOTP_SECRET, now
        for name in ("victim3", "halfway"):
            users[name].totp_secret, users[name].totp_enabled_at = TOTP_SECRET, now
        s.add_all(users.values())
        s.commit()
        assign = {"lead_department_id": depts["fgj"], "co_department_ids": [depts["zrj"]],
                  "lead_leader_id": users["leader"].id, "responsible_person": "李责任",
                  "responsible_phone": "13600001111", "note": "请尽快办理"}
        chains = {
            "collected": [],
            "assigned": [("assign", "coordinator", assign)],
            "in_progress": [("assign", "coordinator", assign), ("accept", "fgj", {})],
            "extension": [("assign", "coordinator", assign), ("accept", "fgj", {}),
                          ("request_extension", "fgj", {"complete_due": future + timedelta(days=60),
                                                        "reason": "需要时间"})],
            "suspended": [("assign", "coordinator", assign), ("accept", "fgj", {}),
                          ("suspend", "coordinator", {"reason": "需省级审批", "review_on": future})],
            "escalated": [("assign", "coordinator", assign), ("accept", "fgj", {}),
                          ("escalate", "coordinator", {"level": "province", "agency": "省自然资源厅",
                                                       "sent_on": today, "reason": "需省级审批", "review_on": future})],
            "replied": [("assign", "coordinator", assign), ("accept", "fgj", {}),
                        ("reply", "fgj", {"result": "已办结"})],
            "closed": [("assign", "coordinator", assign), ("accept", "fgj", {}), ("reply", "fgj", {"result": "已办结"}),
                       ("visit", "coordinator", {"satisfaction": "satisfied"})],
            "unreached": [("assign", "coordinator", assign), ("accept", "fgj", {}),
                          ("reply", "fgj", {"result": "已办结"}),
                          *[("unreached", "coordinator", {"note": "无人接听"})] * 3],
            "reported": [("assign", "coordinator", assign), ("accept", "fgj", {}),
                         ("reply", "fgj", {"result": "已办结"}), ("report", "fgj", {"report": "办理情况报告"})],
        }
        # 征求意见: a plan waiting for the reporter's answer, and one the reporter objected to
        chains["planned"] = [*chains["in_progress"], ("plan", "fgj", {"plan": "分三步办理"})]
        chains["objected"] = [*chains["planned"], ("plan_opinion", "reporter",
                                                   {"opinion": "object", "reason": "改道成本太高"})]
        # 整改评估 done: found resolved (to be published) or unresolved (to be reopened)
        for state, verdict in (("evaluated", "resolved"), ("unresolved", "unresolved")):
            chains[state] = [*chains["closed"], ("evaluate", "coordinator", {"verdict": verdict, "evidence": "已核实"})]
        chains["published"] = [*chains["evaluated"], ("publish", "coordinator", {"public_summary": "已办结。"})]
        made = [0]
        # 复查: closed issues in a sample of a long-past half-month, each waiting for its verdict
        sample = RecheckSample(period_start=date(2001, 1, 1), period_end=date(2001, 1, 15), share=0.2, seed=1,
                               pool=0, drawn_at=now)
        s.add(sample)
        s.flush()
        chains["sampled"] = chains["closed"]

        def issue(state: str, **over) -> int:
            made[0] += 1
            data = {**_issue_data(str(made[0]), f"1391234{made[0]:04d}"), **over}
            found = intake.create_issue(s, users["operator"], data, now)
            for action, who, body in chains[state]:
                actor = reporter_actor(found.reporter_phone) if who == "reporter" else users[who]
                found = workflow.transition(s, actor, found.id, action, body, now, options)
            if state == "sampled":
                s.add(RecheckMember(sample_id=sample.id, issue_id=found.id, reason="drawn",
                                    department_id=found.lead_department_id))
                s.commit()
            return found.id

        def sampled_member() -> int:
            issue_id = issue("sampled")
            return s.execute(select(RecheckMember.id).where(RecheckMember.issue_id == issue_id)).scalar_one()

        meeting = meetings.create_meeting(s, users["coordinator"], {
            "kind": "breakfast", "title": "语料测试早餐会", "held_at": now + timedelta(days=3),
            "host_leader_id": users["leader"].id, "attendees": ["张三"], "location": "县政府"}, now)
        policy_ids = [policy.set_policy(s, users["admin"], {
            "issue_type": "help", "channel": channel, "accept_days": 1, "reply_days": None, "complete_days": 9,
            "report_after": 2, "visit_after": 5, "consult_days": 3}, now).id for channel in ("hotline", "mailbox")]
        templates.set_template(s, users["admin"], "urged", "【督查办】请尽快办理{code}", now)
        calendar_days = [today.replace(month=1, day=1) + timedelta(days=800 + n) for n in (0, 1)]
        for day in calendar_days:
            work_calendar.set_day(s, users["admin"], day, "workday", "语料测试", now)
        uploads = Path(app.config.get("LEDGER_UPLOADS_DIR") or Path(app.instance_path) / "ledger_uploads")
        kept = keep_upload(uploads, users["coordinator"].id, "台账.xlsx", ledger_file(), now)
        kept_firms = keep_upload(uploads / "enterprises", users["coordinator"].id, "企业名单.xlsx",
                                 enterprise_file(), now)
        issue("replied", reporter={**_issue_data("x", "13998760000")["reporter"], "phone": "13998760000"})
        enterprise_id = enterprise_registry.add_enterprise(s, users["coordinator"], {
            "name": "语料已登记企业有限公司", "credit_code": "91350100M000100Y43"}, now).id
        township_id = townships.add_township(s, users["coordinator"], {"name": "城关镇"}).id
        # a message the provider has taken, for the delivery-status webhook
        sid = "SM" + "0" * 30 + "01"
        # and one each for Aliyun's and Tencent Cloud's receipt pushes
        receipts = {"aliyun": "123456789012345678^0", "tencent": "corpus-tencent-sid-0001"}
        outbox_ids = s.execute(select(SmsMessage.id).order_by(SmsMessage.id).limit(3)).scalars().all()
        for outbox_id, provider_id in zip(outbox_ids, (sid, *receipts.values()), strict=True):
            s.execute(update(SmsMessage).where(SmsMessage.id == outbox_id).values(status="sent",
                                                                                  provider_id=provider_id))
        # a message that failed, for the delivery report's resend
        failed = SmsMessage(dedupe_key="corpus:failed:1", recipient_phone="13966667777", recipient_kind="department",
                            template="urged", params={"code": "YS2026-000001"}, body="【督查办】语料测试失败短信",
                            status=SmsStatus.FAILED, attempts=3, last_error="语料测试发送失败", created_at=now,
                            updated_at=now)
        s.add(failed)
        # two 一事一表扬 of this quarter (not stored): one removed through the API, one in the console
        praises = [Praise(department_id=depts["scj"], day=today, note=f"语料测试表扬{n}", points=2.0, created_at=now)
                   for n in (1, 2)]
        s.add_all(praises)
        s.commit()
        # two group robots: one to change, one to remove
        robot_ids = [robots.save_robot(s, users["admin"], now, department_id=depts["scj"], kind="dingtalk",
                                       name=f"语料测试钉钉群{n}", secret="SECcorpus0123456789",
                                       webhook_url=f"https://oapi.dingtalk.com/robot/send?access_token=corpus{n}",
                                       templates=["urged"])["id"] for n in (1, 2)]
        # a 公示批次 open now, with an objection to answer
        shown = [issue("published") for _ in range(2)]
        open_batch = batches.create_batch(s, users["coordinator"], {
            "title": "语料测试公示", "issue_ids": shown[:1], "starts_on": today,
            "ends_on": today + timedelta(days=5)}, now)
        objection = batches.raise_objection(s, open_batch.id, {"content": "语料测试异议", "phone": "13955550001"}, now)
        another = batches.raise_objection(s, open_batch.id, {"content": "语料测试异议二", "phone": "13955550002"}, now)
        # a photo sent with a public submission, for the office to make public
        photo = Attachment(issue_id=issue("collected"), filename="现场.png", stored_name="corpus-photo.png",
                           content_type="image/png", size=1, uploaded_at=now, public_status="pending")
        s.add(photo)
        s.commit()
        batch = {"id": open_batch.id, "objection_id": objection.id, "another_objection_id": another.id,
                 "photo_id": photo.id, "issue_ids": shown[1:],
                 "today": today.isoformat(), "until": (today + timedelta(days=5)).isoformat()}
        planned = issue("planned")
        nonce = s.execute(select(PlanConsultation.nonce).where(PlanConsultation.issue_id == planned)).scalar_one()
        plan_token = links.sign(app.config["SECRET_KEY"], CONSULT_LINK, nonce)
        view_ids = [saved_views.save_view(s, users["coordinator"], f"语料测试视图{n}", {"flag": "red"}, now).id
                    for n in range(3)]

        def dealt_months_back(n: int) -> tuple[date, date]:
            """A whole month long gone in which the registered enterprise had an issue assigned."""
            first = today.replace(day=1)
            for _ in range(n):
                first = (first - timedelta(days=1)).replace(day=1)
            found = s.get(Issue, issue("assigned", enterprise_id=enterprise_id))
            found.assigned_at = datetime.combine(first + timedelta(days=9), datetime.min.time(),
                                                 tzinfo=work_calendar.LOCAL_TZ) + timedelta(hours=10)
            s.commit()
            return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)

        # 企业评议: a period each for opening by API and by console, and a round already open whose
        # link the corpus answers
        rating = {"api": dealt_months_back(3), "console": dealt_months_back(4)}
        first, last = dealt_months_back(5)
        opened = ratings.open_round(s, users["coordinator"], first, last, None, None, now, work_calendar.WEEKDAYS,
                                    "", app.config["SECRET_KEY"])
        invitation = s.execute(select(RatingInvitation).where(RatingInvitation.round_id == opened.id)).scalar_one()
        rating["token"] = links.sign(app.config["SECRET_KEY"], ratings.RATING_LINK, invitation.nonce)
        rating["department"], rating["round"] = depts["fgj"], opened.id
        # a 问责 record entered without its decision document, which the API then takes
        bare = AccountabilityRecord(kind="talk", department_id=depts["fgj"], issue_ids=[],
                                    document_no="语料〔2026〕2号", decided_on=today, created_at=now)
        s.add(bare)
        s.commit()
        ids = {k: u.id for k, u in users.items()}
        world = World(app, ids, depts)
        world.endpoints = endpoints(world, issue, meeting_id=meeting.id, meeting_issues=[issue(
            "collected", channel="breakfast", meeting_id=meeting.id) for _ in range(2)], policy_ids=policy_ids,
            calendar_days=[day.isoformat() for day in calendar_days], kept=kept, future=future.isoformat(), sid=sid,
            rated_phone="+8613998760000", enterprise_id=enterprise_id, township_id=township_id, batch=batch,
            receipts=receipts, failed_id=failed.id, robot_ids=robot_ids, plan_token=plan_token,
            kept_firms=kept_firms, praise_ids=[p.id for p in praises], today=today, view_ids=view_ids,
            members=[sampled_member() for _ in range(2)],
            fgj_codes=[issue_code_in(s, issue("closed")) for _ in range(2)], rating=rating, bare_record=bare.id)
    return world


ACTION_STATES = {"assign": "collected", "answer_on_spot": "collected", "reject": "collected", "accept": "assigned",
                 "return": "assigned", "plan": "in_progress", "progress": "in_progress",
                 "request_extension": "in_progress", "decide_extension": "extension", "set_deadline": "in_progress",
                 "reassign": "in_progress",
                 "urge": "assigned",
                 "suspend": "in_progress", "resume": "suspended", "escalate": "in_progress",
                 "escalation_followup": "escalated", "escalation_answer": "escalated", "instruct": "assigned",
                 "reply": "in_progress",
                 "answer": "in_progress", "report": "replied", "visit": "replied",
                 "unreached": "replied", "request_rating": "replied", "close_off": "unreached",
                 "proceed_plan": "objected",
                 "evaluate": "closed", "reopen": "unresolved",
                 "publish": "evaluated", "withhold": "closed", "withdraw": "published", "recheck": "sampled"}
ACTION_WHO = {"assign": "coordinator", "answer_on_spot": "operator", "reject": "coordinator", "accept": "fgj",
              "return": "fgj", "plan": "fgj", "progress": "fgj", "request_extension": "fgj",
              "decide_extension": "coordinator", "set_deadline": "coordinator", "reassign": "coordinator",
              "urge": "supervisor",
              "suspend": "coordinator",
              "resume": "coordinator", "escalate": "coordinator", "escalation_followup": "coordinator",
              "escalation_answer": "coordinator", "instruct": "leader", "reply": "fgj", "answer": "fgj",
              "report": "fgj",
              "unreached": "coordinator", "request_rating": "coordinator", "close_off": "coordinator",
              "proceed_plan": "coordinator",
              "visit": "coordinator",
              "evaluate": "coordinator", "reopen": "coordinator", "publish": "coordinator", "withhold": "coordinator",
              "withdraw": "coordinator", "recheck": "supervisor"}


def _action_bodies(w: World, future: str) -> dict[str, tuple[dict, dict]]:
    """(valid body, attacked fields) of each workflow step, as the API takes them."""
    d = w.departments
    return {
        "assign": ({"lead_department_id": d["fgj"], "co_department_ids": [d["zrj"]],
                    "lead_leader_id": w.users["leader"], "responsible_person": "李责任",
                    "responsible_phone": "13600001111", "note": "请尽快办理",
                    "deadlines": {"complete_due": future}},
                   {"lead_department_id": "id", "co_department_ids": "ids", "lead_leader_id": "id",
                    "responsible_person": "line", "responsible_phone": "phone", "note": "text",
                    "deadlines": "object", "deadlines.complete_due": "date", "version": "id"}),
        "answer_on_spot": ({"answer": "已当场解释政策", "satisfaction": "satisfied"},
                           {"answer": "text", "satisfaction": "choice"}),
        "reject": ({"reason": "out_of_scope", "note": "不属本县职权"}, {"reason": "choice", "note": "text",
                                                                    "merged_into": "id"}),
        "accept": ({"note": "已签收"}, {"note": "text", "version": "id"}),
        "return": ({"reason": "不属本单位职责"}, {"reason": "text"}),
        "plan": ({"plan": "分三步办理"}, {"plan": "text"}),
        "progress": ({"note": "已完成第一步"}, {"note": "text"}),
        "request_extension": ({"complete_due": (datetime.fromisoformat(future) + timedelta(days=90)).date().isoformat(),
                               "reason": "需要更多时间"}, {"complete_due": "date", "reason": "text"}),
        "decide_extension": ({"approve": True, "note": "同意"}, {"approve": "bool", "complete_due": "date",
                                                                 "note": "text"}),
        "set_deadline": ({"deadlines": {"complete_due": future}, "reason": "按会议要求重新确定办理时限"},
                         {"deadlines": "object", "deadlines.complete_due": "date", "reason": "text"}),
        "reassign": ({"lead_department_id": d["zrj"], "co_department_ids": [], "lead_leader_id": w.users["leader"],
                      "responsible_person": "赵责任", "responsible_phone": "13600002222",
                      "reason": "经核实属自然资源部门职责", "deadlines": {"complete_due": future}},
                     {"lead_department_id": "id", "co_department_ids": "ids", "lead_leader_id": "id",
                      "responsible_person": "line", "responsible_phone": "phone", "reason": "text",
                      "deadlines": "object", "deadlines.complete_due": "date", "version": "id"}),
        "urge": ({"note": "请加快办理"}, {"note": "text"}),
        "suspend": ({"reason": "需省级审批", "review_on": future}, {"reason": "text", "review_on": "date"}),
        "resume": ({"note": "恢复办理"}, {"note": "text", "deadlines": "object"}),
        "escalate": ({"level": "province", "agency": "省自然资源厅", "document_no": "某政〔2026〕12号",
                      "sent_on": (datetime.fromisoformat(future) - timedelta(days=40)).date().isoformat(),
                      "reason": "用地指标需省级审批", "review_on": future},
                     {"level": "choice", "agency": "line", "document_no": "line", "sent_on": "date",
                      "reason": "text", "review_on": "date"}),
        "escalation_followup": ({"note": "电话询问省厅", "review_on": future},
                                {"note": "text", "followed_on": "date", "review_on": "date"}),
        "escalation_answer": ({"answer": "省厅已批复", "deadlines": {"complete_due": future}},
                              {"answer": "text", "answered_on": "date", "deadlines": "object",
                               "deadlines.complete_due": "date"}),
        "instruct": ({"note": "请抓紧办理"}, {"note": "text"}),
        "reply": ({"result": "已完成修复"}, {"result": "text"}),
        "answer": ({"answer": "已联系企业"}, {"answer": "text"}),
        "report": ({"report": "办理情况报告"}, {"report": "text"}),
        "unreached": ({"note": "电话无人接听"}, {"note": "text"}),
        "request_rating": ({"note": "请再次评价"}, {"note": "text"}),
        "proceed_plan": ({"reason": "经研究按原方案推进"}, {"reason": "text"}),
        "close_off": ({"reason": "三次回访均未联系上"}, {"reason": "text"}),
        "visit": ({"satisfaction": "satisfied", "note": "企业满意"}, {"satisfaction": "choice", "note": "text"}),
        "evaluate": ({"verdict": "resolved", "evidence": "现场核实已整改到位", "attachment_ids": [],
                      "evaluated_on": None},
                     {"verdict": "choice", "evidence": "text", "attachment_ids": "ids", "evaluated_on": "date"}),
        "reopen": ({"reason": "现场核查问题仍然存在", "deadlines": {"complete_due": future}},
                   {"reason": "text", "deadlines": "object", "deadlines.complete_due": "date"}),
        "publish": ({"public_summary": "园区道路已修复。", "public_title": "园区道路修复"},
                    {"public_summary": "text", "public_title": "line"}),
        "withhold": ({"reason": "涉及商业秘密"}, {"reason": "text"}),
        "withdraw": ({"reason": "公示内容有误"}, {"reason": "text"}),
        "recheck": ({"verdict": "false", "note": "复查发现问题仍然存在"}, {"verdict": "choice", "note": "text"}),
    }


def _as_form(body: dict, fields: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """An API body and its attacked fields as the console's action form takes them."""
    form, kinds = {}, {}
    for key, value in body.items():
        if key == "deadlines":
            for due, day in value.items():
                form[due] = day
            continue
        if key == "approve":
            form[key] = "yes" if value else "no"
        elif isinstance(value, list):
            form[key] = [str(v) for v in value]
        elif value is not None:
            form[key] = str(value)
    for key, kind in fields.items():
        if kind == "object":
            continue
        kinds[key.removeprefix("deadlines.")] = {"ids": "id", "bool": "choice"}.get(kind, kind)
    return form, kinds


def _report_of(w: World, issue_id: int) -> int:
    with Session(w.app.extensions["ys"]["engine"]) as s:
        return s.execute(select(IssueReport.id).where(IssueReport.issue_id == issue_id)).scalar_one()


def issue_code_in(s: Session, issue_id: int) -> str:
    return s.get(Issue, issue_id).code


def _notice_of(w: World, issue_id: int) -> int:
    """The lead leader's notice of the report made on `issue_id`."""
    with Session(w.app.extensions["ys"]["engine"]) as s:
        return s.execute(select(Notice.id).where(Notice.issue_id == issue_id, Notice.kind == "reported")
                         ).scalars().first()


def issue_code(w: World, issue_id: int) -> str:
    with Session(w.app.extensions["ys"]["engine"]) as s:
        return s.get(Issue, issue_id).code


def class_of(w: World, d: dict, u: dict, issue) -> int:
    """A 类案 of two new issues led by 县发改局 (fgj), for its answer to be attacked."""
    members = [issue("collected"), issue("collected")]
    with Session(w.app.extensions["ys"]["engine"]) as s:
        office = s.get(User, u["coordinator"])
        return issue_classes.create_class(s, office, {
            "title": "语料类案", "lead_department_id": d["fgj"], "lead_leader_id": u["leader"],
            "responsible_person": "李责任", "responsible_phone": "13600001111", "issue_ids": members},
            datetime.now(timezone.utc)).id


def endpoints(w: World, issue, *, meeting_id: int, meeting_issues: list[int], policy_ids: list[int],
              calendar_days: list[str], kept: str, future: str, sid: str, rated_phone: str,
              enterprise_id: int, township_id: int, batch: dict, receipts: dict[str, str], failed_id: int,
              robot_ids: list[int], plan_token: str, kept_firms: str, praise_ids: list[int],
              today, members: list[int], fgj_codes: list[str], view_ids: list[int], rating: dict,
              bare_record: int) -> list[Endpoint]:
    """Every write endpoint with its valid request and the fields attacked."""
    out: list[Endpoint] = []
    add = out.append
    d, u = w.departments, w.users
    new_issue = {"title": "新登记的问题", "content": "新登记问题的内容。", "channel": "hotline", "type": "help",
                 "category": "基础设施", "township": "城关镇", "meeting_id": None,
                 "reporter": {"name": "李四", "org": "某某公司", "phone": "13812345678", "kind": "enterprise",
                              "consent_public": True}}
    issue_fields = {"title": "line", "content": "text", "category": "choice", "channel": "choice", "type": "choice",
                    "meeting_id": "id", "township": "line", "reporter": "object", "reporter.name": "line",
                    "reporter.org": "line", "reporter.phone": "phone", "reporter.kind": "choice",
                    "reporter.consent_public": "bool"}
    # --- the JSON API
    add(Endpoint("api create issue", "POST", "/api/v1/issues", "operator", "api", new_issue, issue_fields))
    edit = issue("collected")
    add(Endpoint("api edit issue", "PATCH", f"/api/v1/issues/{edit}", "operator", "api",
                 {"version": 1, "title": "改过的标题", "category": "交通物流"},
                 {"version": "id", "title": "line", "content": "text", "category": "choice", "township": "line",
                  "meeting_id": "id", "reporter.name": "line", "reporter.phone": "phone"}))
    add(Endpoint("console edit issue", "POST", f"/console/issues/{issue('collected')}/edit", "operator", "console",
                 {"version": "1", "title": "改过的标题", "content": "改过的内容", "category": "交通物流",
                  "township": "", "reporter_name": "王建国", "reporter_phone": "13812345678", "reporter_org": ""},
                 {"version": "id", "title": "line", "content": "text", "category": "choice", "township": "line",
                  "reporter_name": "line", "reporter_phone": "phone", "reporter_org": "line"}, encoding="form"))
    bodies = _action_bodies(w, future)
    for action, (body, fields) in bodies.items():
        target = issue(ACTION_STATES[action])
        add(Endpoint(f"api {action}", "POST", f"/api/v1/issues/{target}/actions/{action}", ACTION_WHO[action], "api",
                     body, fields))
    for channel, path in (("api", "/api/v1/reports/{}/read"), ("console", "/console/leader-reports/{}/read")):
        report = _report_of(w, issue("reported"))
        add(Endpoint(f"{channel} read report", "POST", path.format(report), "leader", channel, {}, {},
                     encoding="json" if channel == "api" else "form"))
    for channel, path in (("api", "/api/v1/notices/{}/read"), ("console", "/console/notices/{}/open")):
        notice = _notice_of(w, issue("reported"))
        add(Endpoint(f"{channel} read notice", "POST", path.format(notice), "leader", channel, {}, {},
                     encoding="json" if channel == "api" else "form"))
    # 全部标为已读: the second of the two finds nothing unread left, and changes nothing
    for channel, path in (("api", "/api/v1/notices/read-all"), ("console", "/console/notices/read-all")):
        add(Endpoint(f"{channel} read all notices", "POST", path, "leader", channel, {}, {},
                     encoding="json" if channel == "api" else "form", writes=False))
    add(Endpoint("api create meeting", "POST", "/api/v1/meetings", "coordinator", "api",
                 {"kind": "forum", "title": "政企面对面恳谈会", "held_at": "2026-12-20T09:00:00+08:00",
                  "host_leader_id": u["leader"], "attendees": ["张三", "李四"], "location": "县政府三楼"},
                 {"kind": "choice", "title": "line", "held_at": "datetime", "host_leader_id": "id",
                  "attendees": "list", "attendees.0": "line", "location": "line", "status": "choice"}))
    add(Endpoint("api correct meeting", "PATCH", f"/api/v1/meetings/{meeting_id}", "coordinator", "api",
                 {"title": "政企面对面恳谈会（改期）", "held_at": "2026-12-21T09:00:00+08:00", "note": "改期"},
                 {"title": "line", "held_at": "datetime", "host_leader_id": "id", "attendees": "list",
                  "attendees.0": "line", "location": "line", "note": "line"}))
    # (before the assignments below: a meeting is corrected only until its issues are assigned)
    add(Endpoint("console correct meeting", "POST", f"/console/meetings/{meeting_id}/edit", "coordinator",
                 "console", {"title": "恳谈会（改期）", "held_at": "2026-12-22T09:00", "attendees": "张三、李四",
                             "location": "县政府"},
                 {"title": "line", "held_at": "datetime", "host_leader_id": "id", "attendees": "text",
                  "location": "line", "note": "line"}, encoding="form", also_refuses=FORM_AGAIN))
    add(Endpoint("api meeting assignments", "POST", f"/api/v1/meetings/{meeting_id}/assignments", "coordinator",
                 "api", {"assignments": [{"issue_id": meeting_issues[0], **bodies["assign"][0]}]},
                 {"assignments": "list", "assignments.0.issue_id": "id", "assignments.0.responsible_person": "line",
                  "assignments.0.lead_department_id": "id", "assignments.0.note": "text"}))
    add(Endpoint("api create department", "POST", "/api/v1/departments", "admin", "api",
                 {"code": "jyj", "name": "县教育局", "contact_phone": "0915-3213100"},
                 {"code": "line", "name": "line", "contact_phone": "phone"}))
    add(Endpoint("api create user", "POST", "/api/v1/users", "admin", "api",
                 {"username": "newuser", "display_name": "新用户", "phone": "13700009999", "role": "operator",
                  "password": "Xinyonghu-mima-2026"},
                 {"username": "line", "display_name": "line", "phone": "phone", "role": "choice",
                  "department_id": "id", "password": "text"}))
    add(Endpoint("api token", "POST", "/api/v1/auth/token", None, "api",
                 {"username": "operator", "password": PASSWORD},
                 {"username": "line", "password": "text", "otp": "line"}, writes=False,
                 volatile=frozenset({"user_account", "api_token", "login_throttle"})))
    add(Endpoint("api track", "POST", "/api/v1/public/track", None, "api",
                 {"code": "YS2026-000001", "phone_last4": "0001"}, {"code": "line", "phone_last4": "line"},
                 writes=False, control=False))
    add(Endpoint("api calendar day", "PUT", "/api/v1/admin/calendar/2027-10-09", "admin", "api",
                 {"kind": "holiday", "note": "语料测试", "until": "2027-10-10"},
                 {"kind": "choice", "note": "line", "until": "date"}))
    add(Endpoint("api calendar delete", "DELETE", f"/api/v1/admin/calendar/{calendar_days[0]}", "admin", "api",
                 {}, {}))
    add(Endpoint("api policy", "PUT", "/api/v1/admin/deadline-policies", "admin", "api",
                 {"issue_type": "consult", "channel": None, "accept_days": 1, "complete_days": 3},
                 {"issue_type": "choice", "channel": "choice", "accept_days": "int", "complete_days": "int",
                  "reply_days": "int", "report_after": "int", "visit_after": "int"}))
    add(Endpoint("api policy delete", "DELETE", f"/api/v1/admin/deadline-policies/{policy_ids[0]}", "admin",
                 "api", {}, {}))
    add(Endpoint("api sms template", "PUT", "/api/v1/admin/sms-templates/urged", "admin", "api",
                 {"body": "【督查办】问题{code}请尽快办理"}, {"body": "text"}))
    add(Endpoint("api sms template reset", "DELETE", "/api/v1/admin/sms-templates/urged", "admin", "api", {}, {}))
    # a mainland provider's approved template (set first: the delete after it removes the row)
    add(Endpoint("api provider template", "PUT", "/api/v1/admin/sms-templates/urged/providers/aliyun", "admin",
                 "api", {"template_code": "SMS_123456789", "params": ["code", "title"]},
                 {"template_code": "line", "params": "list", "params.0": "line"}))
    add(Endpoint("api provider template delete", "DELETE", "/api/v1/admin/sms-templates/urged/providers/aliyun",
                 "admin", "api", {}, {}))
    add(Endpoint("api reporter message switch", "PUT",
                 "/api/v1/admin/reporter-messages/registered_reporter/channels/hotline", "admin", "api",
                 {"on": False}, {"on": "bool"}))
    add(Endpoint("api ledger import", "POST", "/api/v1/imports/ledger", "coordinator", "api",
                 {"file": ("台账.xlsx", ledger_file()), "dry_run": "false"}, {"dry_run": "choice"},
                 encoding="multipart", files=[("file", *f) for f in bad_files()]))
    # --- 企业库, townships and month-end visits
    firm_fields = {"name": "line", "credit_code": "line", "industry": "line", "township": "line", "scale": "choice",
                   "contact_name": "line", "contact_phone": "line", "envoy_name": "line", "envoy_phone": "line"}
    add(Endpoint("api create enterprise", "POST", "/api/v1/enterprises", "coordinator", "api",
                 {"name": "语料测试企业有限公司", "credit_code": "91110000600037341L", "scale": "sme"},
                 {**firm_fields, "leader_ids": "ids"}))
    add(Endpoint("api update enterprise", "PATCH", f"/api/v1/enterprises/{enterprise_id}", "coordinator", "api",
                 {"industry": "农业"}, {**firm_fields, "leader_ids": "ids"}))
    add(Endpoint("api enterprise import", "POST", "/api/v1/imports/enterprises", "coordinator", "api",
                 {"file": ("企业名单.xlsx", enterprise_file()), "dry_run": "false"}, {"dry_run": "choice"},
                 encoding="multipart", files=[("file", *f) for f in bad_files()]))
    add(Endpoint("console new enterprise", "POST", "/console/enterprises/new", "coordinator", "console",
                 {"name": "语料控制台企业有限公司", "credit_code": "9144030071526726XG", "scale": "sme",
                  "leaders_shown": "1", "leader_ids": str(u["leader"])},
                 {**firm_fields, "leader_ids": "id"}, encoding="form"))
    add(Endpoint("console edit enterprise", "POST", f"/console/enterprises/{enterprise_id}/edit", "coordinator",
                 "console", {"name": "语料已登记企业有限公司", "credit_code": "91350100M000100Y43", "industry": "林业",
                             "scale": "above", "leaders_shown": "1", "leader_ids": str(u["leader"])},
                 {**firm_fields, "leader_ids": "id"}, encoding="form"))
    add(Endpoint("console enterprise import check", "POST", "/console/enterprises/import", "coordinator", "console",
                 {"file": ("企业名单.xlsx", enterprise_file())}, {}, encoding="multipart", writes=False,
                 files=[("file", *f) for f in bad_files()]))
    add(Endpoint("console enterprise import", "POST", f"/console/enterprises/import/{kept_firms}", "coordinator",
                 "console", {}, {}, encoding="form"))
    add(Endpoint("api township", "POST", "/api/v1/townships", "coordinator", "api", {"name": "语料镇"},
                 {"name": "line", "sort_order": "int"}))
    add(Endpoint("api township change", "PATCH", f"/api/v1/townships/{township_id}", "coordinator", "api",
                 {"sort_order": 3}, {"name": "line", "sort_order": "int", "active": "bool"}))
    add(Endpoint("console township", "POST", "/console/townships", "coordinator", "console",
                 {"name": "语料新镇", "sort_order": "5"}, {"name": "line", "sort_order": "int", "id": "id"},
                 encoding="form"))
    add(Endpoint("api leader visit", "POST", f"/api/v1/issues/{issue('replied')}/leader-visit", "coordinator", "api",
                 {"satisfaction": "satisfied", "note": "满意", "leader_id": u["leader"]},
                 {"satisfaction": "choice", "note": "text", "leader_id": "id"}))
    add(Endpoint("console leader visit", "POST", f"/console/visits/{issue('replied')}", "coordinator", "console",
                 {"satisfaction": "satisfied", "note": "满意", "leader_id": str(u["leader"])},
                 {"satisfaction": "choice", "note": "text", "leader_id": "id"}, encoding="form"))
    # --- 擂台赛: the rules, 一事一表扬, computing two finished quarters (one per channel)
    rules = {"weights": {"accept_rate": 0.1, "reply_rate": 0.1, "complete_rate": 0.4, "satisfaction_rate": 0.4},
             "penalties": {"reopens": 2, "returned": 1, "overdue_now": 2}, "bonuses": {"praise": 2}}
    rule_fields = {f"{group}.{key}": "int" for group, keys in rules.items() for key in keys}
    add(Endpoint("api contest rules", "PUT", "/api/v1/contest/rules", "admin", "api", rules,
                 {"weights": "object", "penalties": "object", "bonuses": "object", **rule_fields}))
    add(Endpoint("console contest rules", "POST", "/console/contest/rules", "admin", "console",
                 {key: "1" for keys in rules.values() for key in keys},
                 {key: "int" for keys in rules.values() for key in keys}, encoding="form"))
    praise = {"department_id": d["scj"], "day": today.isoformat(), "note": "语料测试一事一表扬"}
    praise_fields = {"department_id": "id", "issue_id": "id", "day": "date", "note": "line"}
    add(Endpoint("api praise", "POST", "/api/v1/contest/praises", "coordinator", "api", praise, praise_fields))
    add(Endpoint("console praise", "POST", "/console/contest/praises", "coordinator", "console",
                 {**praise, "department_id": str(d["scj"])}, praise_fields, encoding="form"))
    add(Endpoint("api praise remove", "DELETE", f"/api/v1/contest/praises/{praise_ids[0]}", "coordinator", "api",
                 {}, {}))
    add(Endpoint("console praise remove", "POST", f"/console/contest/praises/{praise_ids[1]}/delete", "coordinator",
                 "console", {}, {}, encoding="form"))
    (api_year, api_quarter), (form_year, form_quarter) = quarter_choices(today, 2)
    add(Endpoint("api contest compute", "POST", "/api/v1/contest/quarter", "coordinator", "api",
                 {"year": api_year, "quarter": api_quarter}, {"year": "int", "quarter": "int", "recompute": "bool"}))
    add(Endpoint("console contest compute", "POST", "/console/contest/compute", "coordinator", "console",
                 {"year": str(form_year), "quarter": str(form_quarter)}, {"year": "int", "quarter": "int"},
                 encoding="form"))
    # --- 复查: drawing two long-ended half-months (one per channel), a verdict on a sampled issue each
    add(Endpoint("api recheck draw", "POST", "/api/v1/recheck/samples", "supervisor", "api",
                 {"day": (today - timedelta(days=40)).isoformat(), "share": 20}, {"day": "date", "share": "int"}))
    add(Endpoint("console recheck draw", "POST", "/console/recheck/draw", "supervisor", "console",
                 {"day": (today - timedelta(days=70)).isoformat(), "share": "20"}, {"day": "date", "share": "int"},
                 encoding="form"))
    verdict_fields = {"verdict": "choice", "note": "text"}
    add(Endpoint("api recheck verdict", "POST", f"/api/v1/recheck/members/{members[0]}/verdict", "supervisor", "api",
                 {"verdict": "false", "note": "复查发现问题仍然存在"}, verdict_fields))
    add(Endpoint("console recheck verdict", "POST", f"/console/recheck/members/{members[1]}", "supervisor",
                 "console", {"verdict": "true", "note": "复查属实"}, verdict_fields,
                 encoding="form"))
    # --- 问责: a record through each channel (the console's with its PDF)
    record = {"kind": "talk", "department_id": d["fgj"], "issue_codes": fgj_codes[:1],
              "document_no": "县督查〔2026〕1号", "decided_on": today.isoformat(), "note": "语料测试问责"}
    record_fields = {"kind": "choice", "department_id": "id", "issue_codes": "list", "document_no": "line",
                     "decided_on": "date", "note": "text"}
    add(Endpoint("api accountability", "POST", "/api/v1/accountability", "supervisor", "api", record, record_fields))
    add(Endpoint("console accountability", "POST", "/console/accountability", "supervisor", "console",
                 {**record, "department_id": str(d["fgj"]), "issue_codes": fgj_codes[1],
                  "document": ("决定.pdf", b"%PDF-1.4\n%%EOF\n")},
                 {**record_fields, "issue_codes": "line"}, encoding="multipart",
                 files=[("document", *f) for f in BAD_ATTACHMENTS]))
    add(Endpoint("api accountability document", "PUT", f"/api/v1/accountability/{bare_record}/document", "supervisor",
                 "api", {"file": ("决定.pdf", b"%PDF-1.4\n%%EOF\n")}, {}, encoding="multipart",
                 files=[("file", *f) for f in BAD_ATTACHMENTS]))
    # --- the console
    for action, (body, fields) in bodies.items():
        target = issue(ACTION_STATES[action])
        form, kinds = _as_form(body, fields)
        if action == "reject":
            kinds["merged_into"] = "line"
        add(Endpoint(f"console {action}", "POST", f"/console/issues/{target}/actions/{action}", ACTION_WHO[action],
                     "console", form, kinds, encoding="form"))
    desk = {"reporter_phone": "13812345678", "reporter_name": "王建国", "reporter_org": "秦岭绿源农业科技有限公司",
            "reporter_kind": "enterprise", "channel": "hotline", "meeting_id": "", "type": "help",
            "category": "基础设施", "township": "城关镇", "title": "园区道路破损", "content": "货车绕行，请协调修复。",
            "answered_on_spot": "y", "answer": "已解释政策适用范围", "satisfaction": "satisfied"}
    add(Endpoint("console intake", "POST", "/console/intake", "operator", "console", desk,
                 {"reporter_phone": "phone", "reporter_name": "line", "reporter_org": "line", "reporter_kind": "choice",
                  "channel": "choice", "meeting_id": "id", "type": "choice", "category": "choice",
                  "township": "line", "title": "line", "content": "text", "answer": "text",
                  "satisfaction": "choice"}, encoding="form"))
    add(Endpoint("console repeat call", "POST", f"/console/intake/repeat/{issue('assigned')}", "operator", "console",
                 {"reporter_phone": "13812345678", "reporter_name": "王建国",
                  "reporter_org": "秦岭绿源农业科技有限公司", "channel": "hotline", "content": "又来电催问。"},
                 {"reporter_phone": "phone", "reporter_name": "line", "reporter_org": "line", "channel": "choice",
                  "enterprise_id": "id", "content": "text"}, encoding="form"))
    add(Endpoint("console new class", "POST", "/console/classes", "coordinator", "console",
                 {"title": "园区供电类案", "lead_department_id": str(d["fgj"]), "lead_leader_id": str(u["leader"]),
                  "responsible_person": "李责任", "responsible_phone": "13600001111",
                  "codes": " ".join(issue_code(w, issue("collected")) for _ in range(2))},
                 {"title": "line", "lead_department_id": "id", "lead_leader_id": "id", "responsible_person": "line",
                  "responsible_phone": "phone", "codes": "text"}, encoding="form"))
    add(Endpoint("console class answer", "POST", f"/console/classes/{class_of(w, d, u, issue)}/answer", "fgj",
                 "console", {"answer": "出台园区供电保障办法"}, {"answer": "text"}, encoding="form"))
    add(Endpoint("console new meeting", "POST", "/console/meetings/new", "coordinator", "console",
                 {"kind": "forum", "title": "恳谈会", "held_at": "2026-12-20T09:00", "host_leader_id": str(u["leader"]),
                  "attendees": "张三、李四", "location": "县政府"},
                 {"kind": "choice", "title": "line", "held_at": "datetime", "host_leader_id": "id",
                  "attendees": "text", "location": "line"}, encoding="form"))
    row = {"rows-0-issue_id": str(meeting_issues[1]), "rows-0-include": "1", "rows-0-lead_department_id": str(d["fgj"]),
           "rows-0-lead_leader_id": str(u["leader"]), "rows-0-responsible_person": "李责任",
           "rows-0-responsible_phone": "13600001111", "rows-0-complete_due": future}
    add(Endpoint("console meeting assign", "POST", f"/console/meetings/{meeting_id}/assign", "coordinator",
                 "console", row, {"rows-0-issue_id": "id", "rows-0-lead_department_id": "id",
                                  "rows-0-lead_leader_id": "id", "rows-0-responsible_person": "line",
                                  "rows-0-responsible_phone": "phone", "rows-0-complete_due": "date",
                                  "rows-0-co_department_ids": "id", "rows-0-version": "id"}, encoding="form"))
    # the issue list's bulk actions on ticked issues, and its saved views
    urged, assigned = issue("assigned"), [issue("collected") for _ in range(2)]
    add(Endpoint("api bulk urge", "POST", "/api/v1/issues/bulk/urge", "supervisor", "api",
                 {"issue_ids": [urged], "note": "请加快办理"},
                 {"issue_ids": "ids", "issue_ids.0": "id", "note": "text"}))
    add(Endpoint("console bulk urge", "POST", "/console/issues/bulk/urge", "supervisor", "console",
                 {"issue_ids": str(urged), "note": "请加快办理"}, {"issue_ids": "id", "note": "text"}, encoding="form"))
    assign_fields = {"lead_department_id": "id", "lead_leader_id": "id", "handler_user_id": "id",
                     "responsible_person": "line", "responsible_phone": "phone", "note": "text"}
    add(Endpoint("api bulk assign", "POST", "/api/v1/issues/bulk/assign", "coordinator", "api",
                 {"issue_ids": [assigned[0]], **bodies["assign"][0]},
                 {"issue_ids": "ids", "issue_ids.0": "id", **assign_fields, "co_department_ids": "ids"}))
    add(Endpoint("console bulk assign", "POST", "/console/issues/bulk/assign", "coordinator", "console",
                 {"issue_ids": str(assigned[1]), "confirm": "1", "lead_department_id": str(d["fgj"]),
                  "lead_leader_id": str(u["leader"]), "responsible_person": "李责任",
                  "responsible_phone": "13600001111", "note": "请办理"},
                 {"issue_ids": "id", **assign_fields}, encoding="form"))
    add(Endpoint("api bulk export", "POST", "/api/v1/issues/bulk/export.xlsx", "coordinator", "api",
                 {"issue_ids": [urged], "masked": True}, {"issue_ids": "ids", "issue_ids.0": "id", "masked": "bool"},
                 writes=False))
    add(Endpoint("console bulk export", "POST", "/console/issues/bulk/export", "coordinator", "console",
                 {"issue_ids": str(urged)}, {"issue_ids": "id"}, encoding="form", writes=False))
    add(Endpoint("api save view", "POST", "/api/v1/views", "supervisor", "api",
                 {"name": "本周红色", "query": {"flag": "red", "sort": "next_due", "dir": "asc"}},
                 {"name": "line", "query": "object", "query.flag": "line", "query.q": "line"}))
    add(Endpoint("api update view", "PATCH", f"/api/v1/views/{view_ids[2]}", "coordinator", "api",
                 {"name": "改名的视图", "query": {"flag": "yellow"}},
                 {"name": "line", "query": "object", "query.flag": "line"}))
    add(Endpoint("api delete view", "DELETE", f"/api/v1/views/{view_ids[0]}", "coordinator", "api", {}, {}))
    add(Endpoint("console save view", "POST", "/console/issues/views", "supervisor",
                 "console", {"name": "红色临期"}, {"name": "line"}, encoding="form"))
    add(Endpoint("console delete view", "POST", f"/console/issues/views/{view_ids[1]}/delete", "coordinator",
                 "console", {}, {}, encoding="form"))
    target = issue("assigned")
    add(Endpoint("board urge", "POST", f"/console/board/urge/{target}", "supervisor", "console",
                 {"note": "请加快办理"}, {"note": "text", "version": "id"}, encoding="form", also_refuses=REDIRECT))
    target = issue("extension")
    add(Endpoint("board extension", "POST", f"/console/board/extensions/{target}", "coordinator", "console",
                 {"approve": "yes", "note": "同意"}, {"approve": "choice", "note": "text", "complete_due": "date",
                                                     "version": "id"}, encoding="form"))
    target = issue("replied")
    add(Endpoint("board visit", "POST", f"/console/board/visits/{target}", "coordinator", "console",
                 {"satisfaction": "satisfied", "note": "满意"}, {"satisfaction": "choice", "note": "text",
                                                                  "version": "id"}, encoding="form"))
    target = issue("evaluated")
    add(Endpoint("board preview", "POST", f"/console/board/publication/{target}/preview", "coordinator", "console",
                 # a preview shows what publishing would judge: only what no page may hold is refused
                 {"public_title": "标题", "public_summary": "摘要"}, {"public_title": "text", "public_summary": "text"},
                 encoding="form", writes=False))
    add(Endpoint("board publish", "POST", f"/console/board/publication/{target}/publish", "coordinator", "console",
                 {"public_title": "标题", "public_summary": "摘要"},
                 {"public_title": "line", "public_summary": "text", "version": "id"}, encoding="form"))
    add(Endpoint("board resend", "POST", f"/console/board/delivery/resend/{failed_id}", "coordinator", "console",
                 {}, {}, encoding="form"))
    target = issue("closed")
    add(Endpoint("board withhold", "POST", f"/console/board/publication/{target}/withhold", "coordinator",
                 "console", {"reason": "涉及商业秘密"}, {"reason": "text", "version": "id"}, encoding="form"))
    target = issue("collected")
    add(Endpoint("console attachment", "POST", f"/console/issues/{target}/attachments", "coordinator", "console",
                 {"file": ("现场照片.pdf", b"%PDF-1.7\n%%EOF\n")}, {}, encoding="multipart",
                 files=[("file", *f) for f in BAD_ATTACHMENTS]))
    add(Endpoint("console photo review", "POST", f"/console/attachments/{batch['photo_id']}/public", "coordinator",
                 "console", {"public": "1"}, {"public": "choice"}, encoding="form"))
    add(Endpoint("console ledger check", "POST", "/console/ledger/import", "coordinator", "console",
                 {"file": ("台账.xlsx", ledger_file())}, {}, encoding="multipart", writes=False,
                 files=[("file", *f) for f in bad_files()]))
    add(Endpoint("console ledger import", "POST", f"/console/ledger/import/{kept}", "coordinator", "console", {}, {},
                 encoding="form"))
    add(Endpoint("console login", "POST", "/console/login", None, "console",
                 {"username": "operator", "password": PASSWORD}, {"username": "line", "password": "text"},
                 encoding="form", writes=False, also_refuses=FORM_AGAIN,
                 volatile=frozenset({"user_account", "api_token", "login_throttle"})))
    # the code step of a login whose password was right (the client is made when first used)
    add(Endpoint("console login code", "POST", "/console/login/verify", "halfway", "console", {"code": "000000"},
                 {"code": "line"}, encoding="form", writes=False, control=False, also_refuses=FORM_AGAIN,
                 volatile=frozenset({"user_account", "api_token", "login_throttle"})))
    add(Endpoint("console password", "POST", "/console/password", "pwuser", "console",
                 {"current_password": PASSWORD, "new_password": "Xin-mima-2026-pw", "confirm": "Xin-mima-2026-pw"},
                 {"current_password": "text", "new_password": "text", "confirm": "text"}, encoding="form",
                 also_refuses=FORM_AGAIN, volatile=frozenset({"user_account"})))
    add(Endpoint("console two-factor start", "POST", "/console/two-factor/start", "operator", "console", {}, {},
                 encoding="form", also_refuses=REDIRECT))
    add(Endpoint("console two-factor confirm", "POST", "/console/two-factor/confirm", "coordinator", "console",
                 {"code": "123456"}, {"code": "line"}, encoding="form", also_refuses=REDIRECT, control=False,
                 volatile=frozenset({"user_account"})))
    # a wrong code spends the client's login budget (login_throttle), whose one-minute window
    # may also roll over while the corpus runs
    add(Endpoint("console two-factor disable", "POST", "/console/two-factor/disable", "victim3", "console",
                 {"code": "123456"}, {"code": "line"}, encoding="form", also_refuses=REDIRECT, control=False,
                 volatile=frozenset({"user_account", "login_throttle"})))
    add(Endpoint("console logout", "POST", "/console/logout", "leaver", "console", {}, {}, encoding="form",
                 writes=False))
    admin = [
        ("admin new user", "/console/admin/users",
         {"username": "newuser2", "display_name": "新用户", "phone": "13700008888", "role": "operator",
          "department_id": "", "password": "Xinyonghu-mima-2026"},
         {"username": "line", "display_name": "line", "phone": "phone", "role": "choice", "department_id": "id",
          "password": "text"}),
        ("admin user active", f"/console/admin/users/{u['victim']}/active", {"active": "0"}, {}),
        ("admin user password", f"/console/admin/users/{u['victim2']}/password", {"password": "Chongzhi-mima-2026"},
         {"password": "text"}),
        ("admin two-factor reset", f"/console/admin/users/{u['victim3']}/two-factor/reset", {}, {}),
        ("admin new department", "/console/admin/departments",
         {"code": "wlj", "name": "县文旅局", "contact_phone": "0915-3213101"},
         {"code": "line", "name": "line", "contact_phone": "phone"}),
        ("admin edit department", f"/console/admin/departments/{d['scj']}", {"name": "县市场监督管理局",
                                                                             "contact_phone": "0915-3213102"},
         {"name": "line", "contact_phone": "phone"}),
        ("admin department active", f"/console/admin/departments/{d['scj']}/active", {"active": "0"},
         {}),
        ("admin category", "/console/admin/categories",
         {"code": "parking", "name": "停车", "description": "停车难", "sort": "5", "active": "1", "form": "create"},
         {"code": "line", "name": "line", "description": "text", "sort": "int"}),
        ("admin policy", "/console/admin/policies",
         {"issue_type": "suggestion", "channel": "", "accept_days": "1", "reply_days": "", "complete_days": "8",
          "report_after": "2", "visit_after": "5"},
         {"issue_type": "choice", "channel": "choice", "accept_days": "int", "complete_days": "int",
          "report_after": "int"}),
        ("admin policy delete", f"/console/admin/policies/{policy_ids[1]}/delete", {}, {}),
        ("admin calendar", "/console/admin/calendar",
         {"day": "2027-10-08", "until": "2027-10-08", "kind": "holiday", "note": "语料测试"},
         {"day": "date", "until": "date", "kind": "choice", "note": "line"}),
        ("admin calendar delete", f"/console/admin/calendar/{calendar_days[1]}/delete", {}, {}),
        ("admin template", "/console/admin/templates/urged", {"body": "【督查办】问题{code}请尽快办理"},
         {"body": "text"}),
        ("admin template reset", "/console/admin/templates/urged/reset", {}, {}),
        ("admin reporter messages", "/console/admin/reporter-messages", {"on": "registered_reporter:hotline"},
         {"on": "line"}),
        ("admin provider template", "/console/admin/templates/urged/providers/tencent",
         {"template_code": "1234567", "params": "code, title"}, {"template_code": "line", "params": "line"}),
        ("admin new robot", "/console/admin/robots",
         {"department_id": str(d["fgj"]), "kind": "wecom", "name": "发改局企业微信群",
          "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=corpus-new-robot-key",
          "secret": "", "templates": "urged", "active": "1"},
         {"department_id": "id", "kind": "choice", "name": "line", "webhook_url": "line", "secret": "line",
          "templates": "choice"}),
        ("admin edit robot", f"/console/admin/robots/{robot_ids[0]}",
         {"department_id": str(d["scj"]), "kind": "dingtalk", "name": "市场监管局钉钉群", "webhook_url": "",
          "secret": "", "templates": "urged", "active": "1"},
         {"department_id": "id", "kind": "choice", "name": "line", "webhook_url": "line", "secret": "line",
          "templates": "choice"}),
        ("admin delete robot", f"/console/admin/robots/{robot_ids[1]}/delete", {}, {}),
    ]
    for name, path, body, kinds in admin:
        add(Endpoint(name, "POST", path, "admin", "console", body, kinds, encoding="form"))
    # --- the public site, Open311, the webhooks
    submission = {"title": "园区道路路灯不亮", "content": "工业园区纬二路路灯已经坏了两周，夜间很危险。",
                  "category": "infrastructure", "type": "help", "township": "城关镇", "name": "刘晓燕",
                  "org": "", "phone": "13912345678"}
    add(Endpoint("public submit", "POST", "/submit", None, "public", submission,
                 {"title": "line", "content": "text", "category": "choice", "type": "choice", "township": "line",
                  "name": "line", "org": "line", "phone": "phone"}, encoding="form"))
    add(Endpoint("public submit with a photo", "POST", "/submit", None, "public",
                 {**submission, "photos": ("现场.png", TINY_PNG)}, {}, encoding="multipart",
                 files=[("photos", *f) for f in BAD_PHOTOS]))
    add(Endpoint("public objection", "POST", f"/batches/{batch['id']}/objections", None, "public",
                 {"content": "道路仍未修好", "name": "刘晓燕", "phone": "13912345678", "issue_code": ""},
                 {"content": "text", "name": "line", "phone": "phone", "issue_code": "line"}, encoding="form"))
    add(Endpoint("api create batch", "POST", "/api/v1/disclosure-batches", "coordinator", "api",
                 {"title": "第3期问题办理情况公示", "issue_ids": batch["issue_ids"], "starts_on": batch["today"],
                  "ends_on": batch["until"]},
                 {"title": "line", "issue_ids": "ids", "starts_on": "date", "ends_on": "date", "meeting_id": "id"}))
    add(Endpoint("api answer objection", "POST", f"/api/v1/objections/{batch['objection_id']}/answer", "coordinator",
                 "api", {"answer": "经核实，已列入维修计划。"}, {"answer": "text"}))
    add(Endpoint("console create batch", "POST", "/console/batches", "coordinator", "console",
                 {"title": "第4期问题办理情况公示", "starts_on": batch["today"], "ends_on": batch["until"],
                  "way": "period", "meeting_id": "", "published_from": batch["today"], "published_to": batch["today"]},
                 {"title": "line", "starts_on": "date", "ends_on": "date", "way": "choice", "meeting_id": "id",
                  "published_from": "date", "published_to": "date"}, encoding="form"))
    add(Endpoint("console answer objection", "POST",
                 f"/console/batches/{batch['id']}/objections/{batch['another_objection_id']}/answer", "coordinator",
                 "console", {"answer": "经核实，已列入维修计划。"}, {"answer": "text"}, encoding="form"))
    add(Endpoint("public plan opinion", "POST", f"/plan/{plan_token}", None, "public",
                 {"opinion": "object", "reason": "改道会增加运输成本"}, {"opinion": "choice", "reason": "text"},
                 encoding="form"))
    # --- 企业评议: opening a round over a long-ended month, and the enterprise's answer by its link
    add(Endpoint("api open rating round", "POST", "/api/v1/ratings/rounds", "coordinator", "api",
                 {"from": rating["api"][0].isoformat(), "to": rating["api"][1].isoformat(), "title": "语料测试评议"},
                 {"from": "date", "to": "date", "answer_by": "date", "title": "line"}))
    add(Endpoint("console open rating round", "POST", "/console/ratings", "coordinator", "console",
                 {"from": rating["console"][0].isoformat(), "to": rating["console"][1].isoformat(), "answer_by": "",
                  "title": "语料测试评议（页面）"},
                 {"from": "date", "to": "date", "answer_by": "date", "title": "line"}, encoding="form"))
    add(Endpoint("api rating reminders", "POST", f"/api/v1/ratings/rounds/{rating['round']}/reminders", "coordinator",
                 "api", {}, {}))
    add(Endpoint("console rating reminders", "POST", f"/console/ratings/{rating['round']}/reminders", "coordinator",
                 "console", {}, {}, encoding="form", writes=False))
    dept = rating["department"]
    add(Endpoint("public rating answer", "POST", f"/rate/{rating['token']}", None, "public",
                 {f"score_{dept}": "4", f"comment_{dept}": "办事效率高"},
                 {f"score_{dept}": "choice", f"comment_{dept}": "text"}, encoding="form"))
    add(Endpoint("public track", "POST", "/track", None, "public", {"code": "YS2026-000001", "phone_last4": "0001"},
                 {"code": "line", "phone_last4": "phone"}, encoding="form", writes=False, control=False))
    add(Endpoint("open311 post", "POST", "/open311/v2/requests.json", "operator", "open311",
                 {"service_code": "infrastructure", "description": "路灯不亮，夜间很危险。", "first_name": "晓燕",
                  "last_name": "刘", "phone": "13912345678", "address_string": "纬二路", "lat": "34.1",
                  "long": "108.9"},
                 {"service_code": "choice", "description": "text", "first_name": "line", "last_name": "line",
                  "phone": "anyphone", "address_string": "line", "lat": "line", "long": "line", "api_key": "line"},
                 encoding="form"))
    add(Endpoint("webhook status", "POST", "/webhooks/sms/twilio/status", None, "webhook",
                 {"MessageSid": sid, "MessageStatus": "delivered"}, {"MessageSid": "provider",
                                                                    "MessageStatus": "provider",
                                                                    "ErrorCode": "provider"}, encoding="form"))
    add(Endpoint("webhook inbound", "POST", "/webhooks/sms/twilio/inbound", None, "webhook",
                 {"From": rated_phone, "Body": "1", "MessageSid": "SM" + "0" * 30 + "99"},
                 {"From": "provider", "Body": "provider", "MessageSid": "provider"}, encoding="form"))
    # Aliyun's and Tencent Cloud's pushes (JSON, the callback token in X-Callback-Token): receipts
    # for a message each has taken, replies from reporters with an issue awaiting their rating
    aliyun_phone, tencent_phone = "13998760001", "13998760002"
    for phone in (aliyun_phone, tencent_phone):
        issue("replied", reporter={**_issue_data("y", phone)["reporter"], "phone": phone})
    add(Endpoint("webhook aliyun report", "POST", "/webhooks/sms/aliyun/report", None, "webhook",
                 [{"phone_number": "13800000001", "send_time": "2026-11-20 12:00:00",
                   "report_time": "2026-11-20 12:00:04", "success": True, "err_code": "DELIVERED", "err_msg": "",
                   "sms_size": "1", "biz_id": receipts["aliyun"], "out_id": "YS2026-000001"}],
                 {"0.biz_id": "provider", "0.err_code": "provider", "0.phone_number": "provider"}))
    add(Endpoint("webhook tencent report", "POST", "/webhooks/sms/tencent/report", None, "webhook",
                 [{"user_receive_time": "2026-11-20 12:00:04", "nationcode": "86", "mobile": "13800000001",
                   "report_status": "SUCCESS", "errmsg": "DELIVRD", "description": "用户短信送达成功",
                   "sid": receipts["tencent"]}],
                 {"0.sid": "provider", "0.report_status": "provider", "0.errmsg": "provider"}))
    add(Endpoint("webhook aliyun reply", "POST", "/webhooks/sms/aliyun/reply", None, "webhook",
                 [{"phone_number": aliyun_phone, "send_time": "2026-11-20 12:30:00", "content": "1",
                   "sign_name": "某县营商办", "dest_code": "1234", "sequence_id": 1}],
                 {"0.phone_number": "provider", "0.content": "provider", "0.sequence_id": "provider"}))
    add(Endpoint("webhook tencent reply", "POST", "/webhooks/sms/tencent/reply", None, "webhook",
                 {"extend": "", "mobile": tencent_phone, "nationcode": "86", "sign": "某县营商办", "text": "2",
                  "time": 1795000000}, {"mobile": "provider", "text": "provider", "time": "provider"}))
    # Last: its valid request revokes the caller's token, which nothing after it may need.
    add(Endpoint("api logout", "POST", "/api/v1/auth/logout", "leader", "api", {}, {},
                 volatile=frozenset({"api_token"})))
    return out


def uncovered_routes(app: Flask, world: World) -> list[str]:
    """Write routes no endpoint of the corpus reaches."""
    adapter = app.url_map.bind("localhost")
    reached = {adapter.match(e.path, method=e.method)[0] for e in world.endpoints}
    missing = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"GET", "HEAD", "OPTIONS"}
        if methods and rule.endpoint not in NOT_WRITES and rule.endpoint not in reached:
            missing.append(f"{','.join(sorted(methods))} {rule.rule}")
    return sorted(missing)


# --- the cases ---------------------------------------------------------------------------------------

@dataclass
class Case:
    endpoint: Endpoint
    label: str
    body: dict | None = None           # the request's fields (JSON body or form)
    raw: bytes | None = None           # or the raw body, as sent
    content_type: str | None = None
    path: str | None = None            # another address than the endpoint's
    query: str = ""
    signed: bool = True                # webhooks: signed with the provider's token


def _set(body: dict, dotted: str, value) -> dict:
    """A copy of `body` with the field at `dotted` (`reporter.name`, `assignments.0.note`) set."""
    out = copy.deepcopy(body)
    target, parts = out, dotted.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
    if isinstance(target, list):
        target[int(parts[-1])] = value
    else:
        target[parts[-1]] = value
    return out


def _json_text(body) -> str:
    """JSON with any Raw value written as it is."""
    raws: dict[str, str] = {}

    def mark(value):
        if isinstance(value, Raw):
            key = f"@@raw{len(raws)}@@"
            raws[key] = str(value)
            return key
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(body), ensure_ascii=True)
    for key, raw in raws.items():
        text = text.replace(f'"{key}"', raw)
    return text


def _deep(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def _with_deep(body):
    """The body with a value nested 32 deep added (an array body: as one more item)."""
    deep = json.loads(_deep(32))
    return [*body, deep] if isinstance(body, list) else {**body, "x": deep}


def body_cases(e: Endpoint) -> list[Case]:
    """Attacks on the whole request, whatever its fields."""
    if e.encoding == "json":
        return [
            Case(e, "nested 100,000 deep (arrays)", raw=("[" * 100000 + "]" * 100000).encode(),
                 content_type="application/json"),
            Case(e, "nested 100,000 deep (objects)", raw=_deep(100000).encode(), content_type="application/json"),
            Case(e, "nested 33 deep", raw=_json_text(_with_deep(e.body)).encode(), content_type="application/json"),
            Case(e, "not JSON", raw=b"{not json", content_type="application/json"),
            Case(e, "not UTF-8", raw=b'{"title": "\xff\xfe"}', content_type="application/json"),
            Case(e, "surrogate in a key", raw=b'{"\\ud800": 1}', content_type="application/json"),
            Case(e, "NUL in the query", body=e.body, query="x=%00"),
            *([Case(e, "without the token", body=e.body, signed=False)] if e.channel == "webhook" else []),
        ]
    if e.encoding == "form":
        cases = [Case(e, "not UTF-8 (a surrogate's bytes)", raw=b"x=%ED%A0%80"),
                 Case(e, "NUL in the query", body=e.body, query="next=%00")]
        if e.channel == "webhook":
            cases.append(Case(e, "unsigned", body=e.body, signed=False))
        return cases
    return [Case(e, "NUL in the query", body=e.body, query="x=%00")]


def path_cases(e: Endpoint) -> list[Case]:
    """Numbers and texts in the address that name nothing."""
    out = []
    for match in re.finditer(r"/(\d+)(?=/|$|\.)", e.path):
        for label, bad in (("20-digit id", "99999999999999999999"), ("2^31 id", str(2**31)), ("id 0", "0")):
            out.append(Case(e, f"{label} in the address", body=e.body,
                            path=e.path[:match.start(1)] + bad + e.path[match.end(1):]))
        break
    if "/calendar/" in e.path or "/sms-templates/" in e.path or "/templates/" in e.path \
            or "/ledger/import/" in e.path:
        last = e.path.rstrip("/").split("/")
        index = len(last) - (2 if last[-1] in ("delete", "reset") else 1)
        # a provider's template: its message kind (what the route looks up) is the name attacked
        if "providers" in last:
            index = last.index("providers") - 1
        for label, bad in (("NUL in the address", "%00"), ("control character in the address", "%1B"),
                           ("6,000 characters in the address", "9" * 6000), ("a date that is not", "2026-02-30")):
            parts = list(last)
            parts[index] = bad
            out.append(Case(e, label, body=e.body, path="/".join(parts)))
        if "providers" in last and e.method != "DELETE":  # and a provider there is not
            for label, bad in (("NUL in the provider", "%00"), ("6,000 characters in the provider", "9" * 6000)):
                out.append(Case(e, label, body=e.body, path="/".join([*last[:-1], bad])))
    return out


def field_cases(e: Endpoint) -> list[Case]:
    out = []
    for name, kind in e.fields.items():
        if kind == "provider":
            bad = [(label, v) for label, v in FORM_TEXT if label in ("NUL", "ESC", "vertical tab", "DEL")]
        else:
            bad = values_for(kind, e.encoding)
        for label, value in bad:
            out.append(Case(e, f"{name}: {label}", body=_set(e.body, name, value)))
    for name, label, filename, content in e.files:
        out.append(Case(e, f"{name}: {label}", body={**e.body, name: (filename, content)}))
    return out


def all_cases(world: World, quick: bool) -> list[Case]:
    """Every case; `quick` keeps every whole-body and file case and, per field, one bad value in
    turn (so the bounded run still meets every kind of value somewhere)."""
    cases = []
    turn = 0
    for e in world.endpoints:
        fields = field_cases(e)
        if quick:
            kept, seen = [], set()
            for case in fields:
                name = case.label.split(":")[0]
                if name in seen or name in {f[0] for f in e.files}:
                    if name in {f[0] for f in e.files}:
                        kept.append(case)
                    continue
                options = [c for c in fields if c.label.split(":")[0] == name]
                kept.append(options[turn % len(options)])
                turn += 1
                seen.add(name)
            fields = kept
        cases += body_cases(e) + path_cases(e) + fields
    return cases


# --- sending --------------------------------------------------------------------------------------------

class Callers:
    """A test client per user, logged in through the console's own form (the administrator with
    his code), a bearer token each for the API, a CSRF token per client."""

    def __init__(self, app: Flask, world: World):
        self.app, self.world = app, world
        self.clients, self.tokens, self.csrf = {}, {}, {}
        engine = app.extensions["ys"]["engine"]
        with open_session(engine, write=True) as s:
            for name, user_id in world.users.items():
                self.tokens[name] = sessions.issue_token(s, s.get(User, user_id), _now())[0]
        for name in {e.who for e in world.endpoints if e.channel == "console" and e.who} - {"halfway"}:
            self.clients[name] = self._login(name)
        self.anonymous = app.test_client()
        self.public = app.test_client()
        page = self.public.get("/submit").get_data(as_text=True)
        self.submit_fields = {"csrf_token": _hidden(page, "csrf_token"), "challenge": _hidden(page, "challenge"),
                              "answer": _answer(page)}
        self.csrf[None] = _hidden(self.anonymous.get("/console/login").get_data(as_text=True), "csrf_token")

    def _login(self, name: str):
        client = self.app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        resp = client.post("/console/login", data={"username": name, "password": PASSWORD,
                                                   "csrf_token": _hidden(page, "csrf_token")})
        if resp.headers.get("Location", "").endswith("/console/login/verify"):
            page = client.get("/console/login/verify").get_data(as_text=True)
            resp = client.post("/console/login/verify", data={"code": pyotp.TOTP(TOTP_SECRET).now(),
                                                              "csrf_token": _hidden(page, "csrf_token")})
        if resp.status_code != 302:
            raise RuntimeError(f"{name} could not log in: {resp.status_code}")
        page = client.get("/console/password").get_data(as_text=True)
        self.csrf[name] = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return client

    def _halfway(self):
        """A client whose password was right and whose code is still to come."""
        client = self.app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        resp = client.post("/console/login", data={"username": "halfway", "password": PASSWORD,
                                                   "csrf_token": _hidden(page, "csrf_token")})
        if not resp.headers.get("Location", "").endswith("/console/login/verify"):
            raise RuntimeError("halfway: no code step")
        self.csrf["halfway"] = _hidden(client.get("/console/login/verify").get_data(as_text=True), "csrf_token")
        return client

    def client_for(self, e: Endpoint):
        if e.channel == "console":
            if e.who == "halfway" and "halfway" not in self.clients:
                self.clients["halfway"] = self._halfway()
            return self.clients[e.who] if e.who else self.anonymous
        return self.public if e.channel == "public" else self.anonymous

    def send(self, case: Case):
        e = case.endpoint
        client = self.client_for(e)
        path = (case.path or e.path) + (f"?{case.query}" if case.query else "")
        headers = {"Accept": "text/html,application/json;q=0.9"}
        if e.channel == "webhook" and e.encoding == "json" and case.signed:
            headers["X-Callback-Token"] = CALLBACK_TOKENS[e.path.split("/")[3]]
        if e.channel == "api" and e.who:
            headers["Authorization"] = f"Bearer {self.tokens[e.who]}"
        extra = {}
        if e.channel == "console":
            extra["csrf_token"] = self.csrf[e.who]
        elif e.channel == "public":
            extra = dict(self.submit_fields)
            if e.path != "/submit":
                extra = {"csrf_token": extra["csrf_token"]}
        elif e.channel == "open311":
            extra["api_key"] = self.tokens[e.who]
        if case.raw is not None:
            raw = case.raw
            if e.encoding != "json":
                raw = "&".join(f"{k}={quote(str(v))}" for k, v in extra.items()).encode() + b"&" + raw
            if e.channel == "webhook" and e.encoding == "form":
                headers["X-Twilio-Signature"] = "unsigned"
            return client.open(path, method=e.method, data=raw, headers=headers,
                               content_type=case.content_type or "application/x-www-form-urlencoded")
        body = case.body if case.body is not None else e.body
        if e.encoding == "json":
            return client.open(path, method=e.method, data=_json_text(body) if body else None, headers=headers,
                               content_type="application/json" if body else None)
        if e.encoding == "multipart":
            data = {**extra, **{k: (io.BytesIO(v[1]), v[0]) if isinstance(v, tuple) else v
                                for k, v in body.items()}}
            return client.open(path, method=e.method, data=data, headers=headers, content_type="multipart/form-data")
        data = {**extra, **body}
        if e.channel == "webhook" and case.signed:
            url = self.app.config["PUBLIC_BASE_URL"].rstrip("/") + path
            headers["X-Twilio-Signature"] = RequestValidator(TWILIO_TOKEN).compute_signature(url, data)
        return client.open(path, method=e.method, data=data, headers=headers)


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', html)
    if not found:
        raise RuntimeError(f"no field {name} on the page")
    return found.group(1)


def _answer(html: str) -> str:
    a, b = re.search(r"(\d+) \+ (\d+) = \?", html).groups()
    return str(int(a) + int(b))


CONFIG = {"SUBMIT_MIN_SECONDS": 0, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "LOGIN_RATE_LIMIT": "100000 per minute",
          "TRACK_RATE_LIMIT": "100000 per minute", "SUBMIT_RATE_LIMIT": "100000 per minute",
          "OPEN311_POST_RATE_LIMIT": "100000 per minute", "ALIYUN_SMS_CALLBACK_TOKEN": CALLBACK_TOKENS["aliyun"],
          "TENCENT_SMS_CALLBACK_TOKEN": CALLBACK_TOKENS["tencent"]}


def run(app: Flask, world: World, *, quick: bool = False, log=lambda _: None) -> dict:
    """Send every case, then every valid request; answer the figures and the problems found.
    The app needs CONFIG's settings (tests/security/test_malformed_input.py sets them)."""
    engine = app.extensions["ys"]["engine"]
    callers = Callers(app, world)
    cases = all_cases(world, quick)
    statuses, problems = Counter(), []
    server_errors = accepted = changed = 0
    before = digest(engine)
    for n, case in enumerate(cases):
        e = case.endpoint
        status, crash = _status(callers, case)
        statuses[status] += 1
        where = f"{e.name} [{case.label}] {e.method} {(case.path or e.path)[:80]}"
        after = digest(engine)
        moved = sorted(t for t in after if after[t] != before.get(t) and t not in e.volatile)
        if moved:
            changed += 1
            problems.append(f"{where} → {status} changed {', '.join(moved)}")
        before = after
        if status >= 500:
            server_errors += 1
            problems.append(f"{where} → {status}{crash}")
        elif status not in REFUSALS and not (status in e.also_refuses and not moved):
            accepted += 1
            problems.append(f"{where} → {status}: not refused")
        if n % 250 == 249:
            log(f"{n + 1} of {len(cases)} requests")
    refused_valid = []
    for e in sorted((e for e in world.endpoints if e.control), key=_last_if_destructive):
        resp = callers.send(Case(e, "valid request"))
        after = digest(engine)
        moved = [t for t in after if after[t] != before.get(t)]
        before = after
        statuses[resp.status_code] += 1
        if resp.status_code >= 400 or (e.writes and not moved):
            refused_valid.append(f"{e.name}: {resp.status_code} {resp.get_data(as_text=True)[:200]!r}")
    return {"requests": len(cases) + sum(e.control for e in world.endpoints),
            "malformed_requests": len(cases), "endpoints": len(world.endpoints),
            "statuses": dict(sorted(statuses.items())), "server_errors": server_errors,
            "bad_values_accepted": accepted, "rows_changed_by_refused": changed,
            "valid_requests_refused": refused_valid, "uncovered_routes": uncovered_routes(app, world),
            "problems": problems}


def _status(callers: Callers, case: Case) -> tuple[int, str]:
    """The answer's status; an exception that escaped the application (the test client lets it
    through) is the 500 a server would have answered."""
    try:
        return callers.send(case).status_code, ""
    except Exception as exc:  # noqa: BLE001 - whatever escaped is the finding
        return 500, f" ({type(exc).__name__}: {str(exc)[:120]})"


DESTRUCTIVE = ("console logout", "admin two-factor reset", "admin user active", "admin user password",
               "console password", "admin department active")


def _last_if_destructive(e: Endpoint) -> int:
    return DESTRUCTIVE.index(e.name) + 1 if e.name in DESTRUCTIVE else 0


def main() -> int:
    args = arguments(__doc__)
    with throwaway_app(args.database_url, "corpus", LOG_LEVEL="CRITICAL", **CONFIG) as (app, _folder):
        world = build_world(app)
        report = run(app, world, quick=args.quick, log=print)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = not (report["problems"] or report["uncovered_routes"] or report["valid_requests_refused"])
    print("OK: every bad value refused, no 5xx, nothing changed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
