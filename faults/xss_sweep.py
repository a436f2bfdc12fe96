"""The XSS sweep: script payloads stored in every text field a person can fill (issues and their
every step, reporters, departments, users, categories, meetings, SMS wordings, holiday notes,
attachment names, received and failed texts, the public's own submissions), then every page
loaded in Chromium — the console's as each role, the public site's, the API docs — with the
payloads also reflected through the query (searches, filters, tracking, the htmx caller panel)
and typed into the live publication preview, the charts hovered.

    .venv/bin/python -m faults.xss_sweep [--quick]

Each page is loaded twice: once as served, where the Content Security Policy must be on every
page, without 'unsafe-inline', and report no violation, and no payload may have become markup
(an element, an event handler, a javascript: address, a script); and once with the CSP switched
off in the browser (Playwright's bypass_csp), where no payload may run: `window.__xss` stays
unset and no dialog opens. So the escaping is tested on its own, and the CSP on its own. A
payload that shows as text proves the data reached the page: the report counts those pages.

The sweep runs on SQLite: the pages render the same objects whatever the database (no template
or view branches on the dialect; search finds rows differently but renders them through the
same templates), so a second database would load the same markup. tests/browser/test_xss_sweep.py
runs the bounded form (each page once, as a role that may open it); by hand, every page as
every role.

Printed figures: pages loaded, payloads stored, pages showing a payload as text, payloads
executed, markup injected, CSP violations, pages without the policy.
"""
import argparse
import io
import json
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from flask import Flask
from sqlalchemy import select, update
from werkzeug.serving import make_server

from models import DepartmentRating, Issue, RatingInvitation, RatingRound, SmsMessage, User
from service.assessment import ratings as department_ratings
from service.core import links
from service.core.db import open_session
from service.deadlines import calendar as work_calendar
from service.deadlines.calendar import local_date
from service.enterprises import registry as enterprise_registry
from service.identity.directory import create_department, create_user
from service.intake import categories, online
from service.intake import issues as intake
from service.reminders import sms_texts as templates
from service.workflow import attachments, meetings
from service.workflow import sms_ratings as ratings
from service.workflow import transition as workflow
from service.workflow.transition import WorkflowOptions

PASSWORD = "Sweep-pass-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ROLES = ("admin", "coordinator", "operator", "supervisor", "leader", "fgj")

# Each payload, if it ever ran, sets window.__xss (or its parent's); the template one would print
# __ssti__. All are one line and at most 64 characters, so every field takes one.
PAYLOADS = (
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "'><iframe srcdoc=\"<script>parent.__xss=1</script>\">",
    "</script><script>window.__xss=1</script>",
    '" autofocus onfocus=window.__xss=1 x="',
    "javascript:window.__xss=1",
    "<a href=javascript:window.__xss=1>点此</a>",
    "{{'__ss'+'ti__'}}",
    "<details open ontoggle=window.__xss=1>",
    "<body onload=alert('xss')>",
    "</textarea><script>alert(1)</script>",
)
MARK = "__xss"


def payload(n: int, room: int = 64) -> str:
    """The nth payload, and as many more as fit in `room` characters."""
    text, k = "", n
    while True:
        nxt = PAYLOADS[k % len(PAYLOADS)]
        if len(text) + len(nxt) > room or k - n >= len(PAYLOADS):
            return text or nxt[:room]
        text, k = text + nxt, k + 1


@dataclass
class World:
    issue_ids: dict[str, int]            # state → an issue in it
    meeting_id: int
    department_id: int
    published_code: str
    unpublished_code: str
    stored: int = 0                      # payloads stored
    users: dict[str, int] = field(default_factory=dict)
    enterprise_id: int = 0
    round_id: int = 0                    # a 企业评议 round over the enterprise's dealings
    rating_token: str = ""               # the enterprise's signed link to its rating page


def build_world(app: Flask, storage_dir) -> World:
    """A county whose every text field a person fills holds a payload."""
    engine = app.extensions["ys"]["engine"]
    now = datetime.now(timezone.utc)
    today = local_date(now)
    future = today + timedelta(days=40)
    options = WorkflowOptions()
    n = iter(range(10_000))
    stored = [0]

    def p(room: int = 64) -> str:
        stored[0] += 1
        return payload(next(n), room)

    with open_session(engine, write=True) as s:
        categories.seed_defaults(s)
        # the names the charts carry in their <script type="application/json"> data: the payload
        # that would close that block
        xss_category = categories.save_category(s, None, code="xss", name=PAYLOADS[4] + "类",
                                                description=p(300), sort=0)
        depts = {}
        for i, code in enumerate(("fgj", "zrj", "scj")):
            depts[code] = create_department(s, None, code, f"县{code}局{PAYLOADS[4 + i]}", f"0915-32140{i:02d}").id
        stored[0] += 4
        users = {}
        for i, (name, role, dept) in enumerate((("admin", "admin", None), ("coordinator", "coordinator", None),
                                                 ("operator", "operator", None), ("supervisor", "supervisor", None),
                                                 ("leader", "leader", None), ("fgj", "department", "fgj"))):
            users[name] = create_user(s, None, username=name, password=PASSWORD, role=role, display_name=p(),
                                      phone=f"1370002{i:04d}", department_id=depts[dept] if dept else None)
        users["admin"].totp_secret, users["admin"].totp_enabled_at = TOTP_SECRET, now
        s.add(users["admin"])
        s.commit()

        def issue_data(**over) -> dict:
            data = {"title": p(200), "content": "\n".join(PAYLOADS), "channel": "hotline", "type": "help",
                    "category": xss_category.name, "township": p(),
                    "reporter": {"name": p(), "org": p(200), "phone": f"1391111{next(n):04d}",
                                 "kind": "enterprise", "consent_public": True}}
            stored[0] += len(PAYLOADS) - 1
            return {**data, **over}

        def assign() -> dict:
            return {"lead_department_id": depts["fgj"], "co_department_ids": [depts["zrj"]],
                    "lead_leader_id": users["leader"].id, "responsible_person": p(),
                    "responsible_phone": "13600002222", "note": p(2000)}

        def text() -> dict:
            return {"note": p(2000)}

        chains = {
            "collected": [],
            "assigned": [("assign", "coordinator", assign()), ("urge", "supervisor", text()),
                         ("instruct", "leader", text())],
            "in_progress": [("assign", "coordinator", assign()), ("accept", "fgj", text()),
                            ("plan", "fgj", {"plan": p(5000)}), ("progress", "fgj", text()),
                            ("request_extension", "fgj", {"complete_due": future + timedelta(days=30),
                                                          "reason": p(2000)})],
            "suspended": [("assign", "coordinator", assign()), ("accept", "fgj", text()),
                          ("suspend", "coordinator", {"reason": p(2000), "review_on": future})],
            "returned": [("assign", "coordinator", assign()), ("return", "fgj", {"reason": p(2000)})],
            "replied": [("assign", "coordinator", assign()), ("accept", "fgj", text()),
                        ("reply", "fgj", {"result": p(5000)})],
            "closed": [("assign", "coordinator", assign()), ("accept", "fgj", text()),
                       ("reply", "fgj", {"result": p(5000)}), ("visit", "coordinator",
                                                                {"satisfaction": "satisfied", "note": p(2000)})],
            "published": [("assign", "coordinator", assign()), ("accept", "fgj", text()),
                          ("reply", "fgj", {"result": p(5000)}),
                          ("visit", "coordinator", {"satisfaction": "satisfied"}),
                          ("evaluate", "coordinator", {"verdict": "resolved", "evidence": p(5000)}),
                          ("publish", "coordinator", {"public_summary": "\n".join(PAYLOADS), "public_title": p(200)})],
            "withheld": [("assign", "coordinator", assign()), ("accept", "fgj", text()),
                         ("reply", "fgj", {"result": p(5000)}), ("visit", "coordinator", {"satisfaction": "satisfied"}),
                         ("withhold", "coordinator", {"reason": p(2000)})],
            "rejected": [("reject", "coordinator", {"reason": "out_of_scope", "note": p(2000)})],
            "on_the_spot": [("answer_on_spot", "operator", {"answer": p(5000)})],
        }
        ids = {}
        for state, steps in chains.items():
            issue = intake.create_issue(s, users["operator"], issue_data(), now)
            for action, who, body in steps:
                issue = workflow.transition(s, users[who], issue.id, action, body, now, options)
            ids[state] = issue.id
        meeting = meetings.create_meeting(s, users["coordinator"], {
            "kind": "breakfast", "title": p(200), "held_at": now + timedelta(days=2),
            "host_leader_id": users["leader"].id, "attendees": [p(), p(), p()], "location": p(200)}, now)
        intake.create_issue(s, users["operator"], issue_data(channel="breakfast", meeting_id=meeting.id), now)
        # an enterprise on record whose every text is a payload, 包保 by the leader, with issues
        firm = enterprise_registry.add_enterprise(s, users["coordinator"], {
            "name": p(200), "industry": p(64), "contact_name": p(64), "envoy_name": p(64),
            "leader_ids": [users["leader"].id]}, now)
        stored[0] += 4
        for state in ("replied", "closed", "in_progress"):
            s.get(Issue, ids[state]).enterprise_id = firm.id
        s.commit()
        # a 企业评议 round with a payload title, the enterprise's payload comment on fgj
        rating_round = RatingRound(title=p(100), period_from=today - timedelta(days=60),
                                   period_to=today - timedelta(days=31), answer_by=today + timedelta(days=5),
                                   opened_at=now, skipped=[])
        s.add(rating_round)
        s.flush()
        invitation = RatingInvitation(round_id=rating_round.id, enterprise_id=firm.id, phone="13700029999",
                                      nonce="xss-sweep-rating", sent_at=now)
        s.add(invitation)
        s.flush()
        s.add_all([DepartmentRating(round_id=rating_round.id, invitation_id=invitation.id, department_id=depts["fgj"],
                                    issues=2, score=1, comment=p(300), answered_at=now),
                   DepartmentRating(round_id=rating_round.id, invitation_id=invitation.id, department_id=depts["scj"],
                                    issues=1)])
        s.commit()
        rating_token = links.sign(app.config["SECRET_KEY"], department_ratings.RATING_LINK, invitation.nonce)
        templates.set_template(s, users["admin"], "urged", "【督查办】{code}" + PAYLOADS[0] + PAYLOADS[1], now)
        work_calendar.set_day(s, users["admin"], today + timedelta(days=400), "holiday", p(100), now)
        attachments.add_attachment(s, users["coordinator"], ids["in_progress"], io.BytesIO(b"%PDF-1.7\n%%EOF\n"),
                                   p(58) + ".pdf", now, storage_dir)
        ratings.record_reply(s, users["operator"].phone, p(1600), "SM" + "1" * 32, now, options=options)
        failed = s.execute(select(SmsMessage.id).order_by(SmsMessage.id).limit(1)).scalar_one()
        s.execute(update(SmsMessage).where(SmsMessage.id == failed).values(status="failed", last_error=p(200),
                                                                          body=p(300)))
        s.commit()
        submitted = online.submit_online(s, {"title": payload(0, 60), "content": "\n".join(PAYLOADS),
                                             "category": "xss", "type": "help", "township": payload(1, 32),
                                             "name": payload(2, 32), "org": payload(3, 100),
                                             "phone": "13922223333"}, now)
        stored[0] += 4
        codes = dict(s.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids.values()))).all())
        return World(ids, meeting.id, depts["fgj"], codes[ids["published"]], submitted.code, stored[0],
                     {k: u.id for k, u in users.items()}, firm.id, rating_round.id, rating_token)


# --- the pages ---------------------------------------------------------------------------------------

CONSOLE_PAGES = [  # (path, the roles that may open it)
    ("/console/", ROLES), ("/console/password", ROLES), ("/console/two-factor", ROLES),
    ("/console/intake", ("operator", "coordinator", "supervisor")),
    ("/console/issues", ("coordinator", "operator", "supervisor", "leader", "fgj")),
    ("/console/inbox", ("fgj",)), ("/console/dashboard", ("coordinator", "supervisor", "leader", "admin")),
    ("/console/board", ("supervisor", "coordinator")), ("/console/board/sms", ("supervisor", "coordinator")),
    ("/console/board/extensions", ("coordinator",)), ("/console/board/visits", ("coordinator",)),
    ("/console/board/publication", ("coordinator",)), ("/console/meetings", ("coordinator", "operator", "supervisor")),
    ("/console/meetings/new", ("coordinator",)), ("/console/ledger", ("coordinator", "supervisor")),
    ("/console/reports/bulletin", ("supervisor", "coordinator")),
    ("/console/admin/users", ("admin",)), ("/console/admin/departments", ("admin",)),
    ("/console/admin/categories", ("admin",)), ("/console/admin/policies", ("admin",)),
    ("/console/admin/calendar", ("admin",)), ("/console/admin/templates", ("admin",)),
]
PUBLIC_PAGES = ["/", "/figures", "/track", "/submit", "/api/docs", "/feed.atom"]


def pages(world: World, full: bool) -> list[tuple[str | None, str]]:
    """(role, path) of every page to load: as every role when `full`, else as the first role
    that may open it."""
    ids = world.issue_ids
    console = list(CONSOLE_PAGES)
    console += [(f"/console/issues/{i}", ("coordinator", "operator", "supervisor", "leader", "fgj"))
                for i in ids.values()]
    console += [(f"/console/intake/saved/{ids['collected']}", ("operator",)),
                (f"/console/board/publication/{ids['closed']}", ("coordinator",)),
                (f"/console/meetings/{world.meeting_id}", ("coordinator",)),
                (f"/console/meetings/{world.meeting_id}/sheet", ("coordinator",)),
                (f"/console/reports/departments/{world.department_id}", ("fgj", "coordinator")),
                (f"/console/issues?q={quote(PAYLOADS[0])}", ("coordinator",)),
                (f"/console/issues?status={quote(PAYLOADS[1])}&channel={quote(PAYLOADS[2])}", ("coordinator",)),
                (f"/console/intake/caller?phone={quote(PAYLOADS[3][:20])}", ("operator",)),
                (f"/console/board?q={quote(PAYLOADS[4])}&flag={quote(PAYLOADS[5])}", ("supervisor",)),
                (f"/console/dashboard?from={quote(PAYLOADS[6])}&to={quote(PAYLOADS[1])}", ("coordinator",)),
                (f"/console/ledger?from={quote(PAYLOADS[0])}", ("coordinator",)),
                (f"/console/admin/calendar?year={quote(PAYLOADS[2])}", ("admin",)),
                (f"/console/issues/2147483647?x={quote(PAYLOADS[0])}", ("coordinator",)),
                (f"/console/enterprises/{world.enterprise_id}", ("coordinator", "leader")),
                (f"/console/enterprises?q={quote(PAYLOADS[0])}", ("coordinator",)),
                (f"/console/intake/enterprises?enterprise_q={quote(PAYLOADS[0][:5])}", ("operator",)),
                (f"/console/leaders/{world.users['leader']}/enterprises", ("leader", "coordinator")),
                ("/console/leader", ("leader",)), ("/console/visits", ("leader", "coordinator")),
                ("/console/ratings", ("coordinator", "leader")),
                (f"/console/ratings/{world.round_id}", ("coordinator", "leader"))]
    out: list[tuple[str | None, str]] = []
    for path, roles in console:
        for role in (ROLES if full else roles[:1]):
            out.append((role, path))
    public_pages = PUBLIC_PAGES + [
        f"/issues/{world.published_code}", f"/issues/{quote(PAYLOADS[1])}", f"/?q={quote(PAYLOADS[0])}",
        f"/?department={quote(PAYLOADS[2])}&year={quote(PAYLOADS[4])}", f"/track?code={quote(PAYLOADS[3])}",
        f"/{quote(PAYLOADS[1])}", f"/console/login?next={quote('javascript:window.__xss=1')}",
        f"/rate/{world.rating_token}"]
    out += [(None, path) for path in public_pages]
    return out


# --- the browser ---------------------------------------------------------------------------------------

DOM_SCAN = """() => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase(), value = attr.value;
            if (!value.includes("__xss")) continue;
            const js = /^\\s*javascript:/i.test(value);
            if (name.startsWith("on") || name === "srcdoc" || (js && ["href", "src", "action", "formaction",
                    "xlink:href", "data"].includes(name))) {
                found.push(el.tagName + "[" + name + "]");
            }
        }
    }
    for (const s of document.querySelectorAll("script")) {
        if (s.type !== "application/json" && s.textContent.includes("__xss")) found.push("SCRIPT");
    }
    return found;
}"""
WATCH = """document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations = (window.__cspViolations || []).concat(
        [e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")]);
}, true);"""


@dataclass
class Tally:
    pages: int = 0
    shown: int = 0
    executed: list = field(default_factory=list)
    injected: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    no_policy: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def _forget_code(app: Flask) -> None:
    with app.extensions["ys"]["engine"].begin() as conn:
        conn.execute(update(User).where(User.username == "admin").values(totp_last_step=None))


def _login(page, base: str, app: Flask, role: str) -> None:
    import pyotp
    page.goto(f"{base}/console/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button.btn-primary").click()
    page.wait_for_url(lambda url: not url.endswith("/console/login"))
    if "/console/login/verify" in page.url:
        _forget_code(app)
        page.fill("input[name=code]", pyotp.TOTP(TOTP_SECRET).now())
        page.locator("form button.btn-primary").click()
        page.wait_for_url(lambda url: "/console/login" not in url)
    if "/console/login" in page.url:
        raise RuntimeError(f"{role} could not log in")


class Sessions:
    """For each role a browser page as served (CSP on) and one with the CSP switched off, sharing
    one login; each page records the dialogs that open on it."""

    def __init__(self, browser, base: str, app: Flask):
        self.browser, self.base, self.app, self.made = browser, base, app, {}
        self.dialogs: list[str] = []

    def _page(self, context):
        page = context.new_page()
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        return page

    def pair(self, role: str | None):
        if role not in self.made:
            served = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            served.add_init_script(WATCH)
            page = self._page(served)
            if role is not None:
                _login(page, self.base, self.app, role)
            bare = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                            bypass_csp=True, storage_state=served.storage_state())
            self.made[role] = (page, self._page(bare))
        return self.made[role]

    def close(self) -> None:
        for served, bare in self.made.values():
            served.context.close()
            bare.context.close()


def _load(sessions: Sessions, page, url: str, tally: Tally, where: str, *, served: bool, act=None) -> bool:
    """Load `url` on `page`, record what it shows; answer whether it shows a payload as text."""
    sessions.dialogs.clear()
    shown = False
    try:
        response = page.goto(url, wait_until="load")
        page.wait_for_timeout(50)
        if act is not None:
            act(page)
        if served:
            policy = (response.headers.get("content-security-policy") or "") if response else ""
            if "script-src" not in policy or "unsafe-inline" in policy:
                tally.no_policy.append(where)
            tally.injected += [f"{where}: {hit}" for hit in page.evaluate(DOM_SCAN)]
            tally.violations += [f"{where}: {v}" for v in page.evaluate("window.__cspViolations || []")]
            text = page.evaluate("document.documentElement.textContent")
            shown = MARK in text or "__ss'+'ti__" in text
            tally.shown += shown
            if "__ssti__" in text:
                tally.executed.append(f"{where}: a template expression was evaluated")
        ran = page.evaluate("window.__xss !== undefined")
        if ran or sessions.dialogs:
            tally.executed.append(f"{where}: {'window.__xss set' if ran else ''} {sessions.dialogs}")
        tally.pages += 1
    except Exception as exc:  # noqa: BLE001 - a page that cannot be swept is a finding too
        tally.errors.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
    return shown


def _type_preview(page) -> None:
    """Type payloads into the publication editor: htmx fetches and swaps in the preview."""
    box = page.locator("textarea[name=public_summary]")
    if box.count():
        box.fill("\n".join(PAYLOADS))
        box.dispatch_event("keyup")
        box.dispatch_event("change")
        page.wait_for_timeout(700)


def _hover_charts(page) -> None:
    """Move over every chart, so ECharts draws its tooltips (HTML) with the payload labels."""
    for chart in page.locator("[data-chart]").all()[:8]:
        box = chart.bounding_box()
        if box:
            for fx in (0.3, 0.5, 0.7):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.5)
                page.wait_for_timeout(60)


def run(app: Flask, base: str, browser, world: World, *, full: bool = False, log=lambda _: None) -> dict:
    tally = Tally()
    sessions = Sessions(browser, base, app)
    try:
        for n, (role, path) in enumerate(pages(world, full)):
            served, bare = sessions.pair(role)
            act = _type_preview if "/board/publication/" in path and path[-1].isdigit() else \
                _hover_charts if path.startswith("/console/dashboard") else None
            where = f"{role or 'anonymous'} {path[:90]}"
            shown = _load(sessions, served, base + path, tally, where, served=True, act=act)
            # Without the CSP, a page that shows a payload must still not run it (the bounded
            # form skips the pages that show none: no payload reached them to run).
            if shown or full:
                _load(sessions, bare, base + path, tally, where + " (CSP off)", served=False, act=act)
            if n % 25 == 24:
                log(f"{n + 1} pages")
    finally:
        sessions.close()
    return {"pages_loaded": tally.pages, "payloads_stored": world.stored, "pages_showing_a_payload": tally.shown,
            "payloads_executed": len(tally.executed), "markup_injected": len(tally.injected),
            "csp_violations": len(tally.violations), "pages_without_policy": len(tally.no_policy),
            "problems": tally.executed + tally.injected + tally.violations + tally.no_policy + tally.errors}


def serve(app: Flask):
    """The app on 127.0.0.1 in a thread: (base address, stop())."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join(timeout=5)
    return f"http://127.0.0.1:{server.server_port}", stop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the bounded form the test suite runs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from app import create_app
    from service.core.migrate import upgrade
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/sweep.db", "SECRET_KEY": "sweep-secret",
                          "ATTACHMENTS_DIR": f"{folder}/attachments", "LOG_LEVEL": "CRITICAL",
                          "LOGIN_RATE_LIMIT": "10000 per minute"})
        upgrade(app.extensions["ys"]["engine"])
        world = build_world(app, Path(folder) / "attachments")
        base, stop = serve(app)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=["--disable-gpu"])
                report = run(app, base, browser, world, full=not args.quick, log=print)
                browser.close()
        finally:
            stop()
            app.extensions["ys"]["engine"].dispose()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = not report["problems"] and report["pages_showing_a_payload"] > 0
    print("OK: no payload ran, none became markup, the CSP held on every page" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
