"""The permission table (models.permissions) against what the server does: every role signs in,
reads the menu the console offers, and walks every console page and every API route that reads,
with real ids from a seeded county. A page answers 200 exactly when the role holds a permission
that opens it, else 403 or 404 as before; the menu offers exactly the top-level pages the server
allows. Also: every permission in the table is used, and no role set is left outside the tables."""
import ast
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from flask import url_for

from faults import idor_matrix
from models import ROLE_LABELS, Role
from models.permissions import PERMISSIONS, Permission
from models.workflow import STEPS
from service.deadlines.calendar import local_date
from web.console.home import HOME_BY_ROLE
from web.console.ui import NAV

ROOT = Path(__file__).resolve().parents[2]
P = Permission
EVERYONE = None  # every signed-in user, whatever the role

# Every GET route of the console and the API, the permissions of which any one opens it (EVERYONE:
# no permission needed), and the path with real ids (filled in from the county below).
CONSOLE = {
    "console.home": (EVERYONE, "/console/"),
    "console.password": (EVERYONE, "/console/password"),
    "console.two_factor": (EVERYONE, "/console/two-factor"),
    "console.intake": ((P.ISSUE_CREATE,), "/console/intake"),
    "console.intake_caller": (EVERYONE, "/console/intake/caller?phone={phone}"),
    "console.intake_saved": ((P.ISSUE_LIST,), "/console/intake/saved/{issue}"),
    "console.issue_list": ((P.ISSUE_LIST,), "/console/issues"),
    "console.issue_page": ((P.ISSUE_LIST,), "/console/issues/{issue}"),
    "console.issue_edit": ((P.ISSUE_EDIT,), "/console/issues/{issue}/edit"),
    "console.download_attachment": ((P.ISSUE_LIST,), "/console/attachments/{attachment}"),
    "console.view_attachment": ((P.ISSUE_LIST,), "/console/attachments/{attachment}/view"),
    "console.meetings": ((P.MEETING_MANAGE,), "/console/meetings"),
    "console.meeting_new": ((P.MEETING_MANAGE,), "/console/meetings/new"),
    "console.meeting_page": ((P.MEETING_MANAGE,), "/console/meetings/{meeting}"),
    "console.meeting_edit": ((P.MEETING_MANAGE,), "/console/meetings/{meeting}/edit"),
    "console.meeting_sheet": ((P.MEETING_ATTENDEES,), "/console/meetings/{meeting}/sheet"),
    "console.inbox": ((P.DEPARTMENT_WORK,), "/console/inbox"),
    "console.board": ((P.BOARD,), "/console/board"),
    "console.board_sms": ((P.BOARD,), "/console/board/sms"),
    "console.board_delivery": ((P.BOARD,), "/console/board/delivery"),
    "console.board_extensions": ((P.OFFICE_QUEUES,), "/console/board/extensions"),
    "console.board_visits": ((P.OFFICE_QUEUES,), "/console/board/visits"),
    "console.board_publication": ((P.OFFICE_QUEUES,), "/console/board/publication"),
    "console.board_publication_edit": ((P.OFFICE_QUEUES,), "/console/board/publication/{closed}"),
    "console.dashboard": ((P.DASHBOARD, P.OWN_REPORT_CARD), "/console/dashboard"),
    "console.report_card": ((P.DASHBOARD, P.OWN_REPORT_CARD), "/console/reports/departments/{department}"),
    "console.report_card_xlsx": ((P.DASHBOARD, P.OWN_REPORT_CARD),
                                 "/console/reports/departments/{department}.xlsx"),
    "console.bulletin": ((P.BULLETIN_READ,), "/console/reports/bulletin"),
    "console.bulletin_xlsx": ((P.BULLETIN_READ,), "/console/reports/bulletin.xlsx"),
    "console.ledger_page": ((P.LEDGER_EXPORT,), "/console/ledger"),
    "console.ledger_export": ((P.LEDGER_EXPORT,), "/console/ledger/export?period=year"),
    "console.admin_users": ((P.DIRECTORY_MANAGE,), "/console/admin/users"),
    "console.admin_departments": ((P.DIRECTORY_MANAGE,), "/console/admin/departments"),
    "console.admin_categories": ((P.CATEGORIES_MANAGE,), "/console/admin/categories"),
    "console.admin_policies": ((P.POLICIES_READ,), "/console/admin/policies"),
    "console.admin_calendar": ((P.CALENDAR_READ,), "/console/admin/calendar"),
    "console.admin_templates": ((P.SMS_TEXTS_MANAGE,), "/console/admin/templates"),
    "console.admin_reporter_messages": ((P.SMS_TEXTS_MANAGE,), "/console/admin/reporter-messages"),
    "console.admin_robots": ((P.ROBOTS_MANAGE,), "/console/admin/robots"),
    "console.intake_enterprises": ((P.ISSUE_CREATE,), "/console/intake/enterprises?enterprise_q=越权"),
    "console.class_list": ((P.ISSUE_LIST,), "/console/classes"),
    "console.intake_similar": ((P.ISSUE_CREATE,), "/console/intake/similar?title=越权&reporter_phone={phone}"),
    "console.leader_home_page": ((P.LEADER_HOME,), "/console/leader"),
    "console.visit_list_page": ((P.LEADER_HOME, P.LEADER_PAGES), "/console/visits"),
    "console.leader_enterprises_page": ((P.LEADER_HOME, P.LEADER_PAGES), "/console/leaders/{leader}/enterprises"),
    "console.leader_ledger_file": ((P.LEADER_HOME, P.LEADER_PAGES), "/console/leaders/{leader}/ledger.xlsx"),
    "console.enterprise_list": ((P.ENTERPRISE_READ, P.LEADER_HOME), "/console/enterprises"),
    "console.enterprise_page": ((P.ENTERPRISE_READ, P.LEADER_HOME), "/console/enterprises/{enterprise}"),
    "console.enterprise_new": ((P.ENTERPRISE_WRITE,), "/console/enterprises/new"),
    "console.enterprise_edit": ((P.ENTERPRISE_WRITE,), "/console/enterprises/{enterprise}/edit"),
    "console.enterprise_import_page": ((P.ENTERPRISE_MANAGE,), "/console/enterprises/import"),
    "console.enterprise_import_template": ((P.ENTERPRISE_MANAGE,), "/console/enterprises/import/template.xlsx"),
    "console.township_list": ((P.TOWNSHIPS_MANAGE,), "/console/townships"),
    "console.leader_reports_page": ((P.LEADER_REPORTS,), "/console/leader-reports"),
    # 站内通知: every user reads their own
    "console.notices_page": (EVERYONE, "/console/notices"),
    "console.contest_index": ((P.CONTEST_READ,), "/console/contest"),
    "console.contest_notice": ((P.CONTEST_READ,), "/console/contest/notice?year={contest_year}&quarter={contest_q}"),
    "console.contest_xlsx": ((P.CONTEST_READ,), "/console/contest.xlsx?year={contest_year}&quarter={contest_q}"),
    "console.contest_rules": ((P.CONTEST_RULES,), "/console/contest/rules"),
    "console.batch_list": ((P.DISCLOSURE_BATCHES,), "/console/batches"),
    "console.batch_page": ((P.DISCLOSURE_BATCHES,), "/console/batches/{batch}"),
    "console.batch_print": ((P.DISCLOSURE_BATCHES,), "/console/batches/{batch}/print"),
    "console.recheck_page": ((P.RECHECK_READ,), "/console/recheck"),
    "console.ratings_index": ((P.RATING_READ,), "/console/ratings"),
    "console.rating_round": ((P.RATING_READ,), "/console/ratings/{round}"),
    "console.rating_round_xlsx": ((P.RATING_READ,), "/console/ratings/{round}.xlsx"),
    "console.accountability_page": ((P.ACCOUNTABILITY_READ,), "/console/accountability"),
    # the walking department is scj, whose record it is (another department's: the IDOR matrix)
    "console.accountability_document": ((P.ACCOUNTABILITY_READ,), "/console/accountability/{record}/document"),
}
API = {
    "issues.list_issues": ((P.ISSUE_LIST,), "/api/v1/issues"),
    "issues.get_issue": ((P.ISSUE_LIST,), "/api/v1/issues/{issue}"),
    "issues.issue_events": ((P.ISSUE_LIST,), "/api/v1/issues/{issue}/events"),
    "meetings.list_meetings": ((P.MEETING_READ,), "/api/v1/meetings"),
    "meetings.get_meeting": ((P.MEETING_READ,), "/api/v1/meetings/{meeting}"),
    "meetings.meeting_changes": ((P.MEETING_ATTENDEES,), "/api/v1/meetings/{meeting}/changes"),
    "notifications.outbox": ((P.OUTBOX_READ,), "/api/v1/notifications"),
    "ledger.export_ledger": ((P.LEDGER_EXPORT,), "/api/v1/exports/ledger.xlsx?from={year_start}&to={today}"),
    "directory.departments": (EVERYONE, "/api/v1/departments"),
    "directory.users": ((P.DIRECTORY_MANAGE,), "/api/v1/users"),
    "admin.calendar_year": ((P.CALENDAR_READ,), "/api/v1/admin/calendar"),
    "admin.deadline_policies": ((P.POLICIES_READ,), "/api/v1/admin/deadline-policies"),
    "admin.sms_templates": ((P.SMS_TEXTS_MANAGE,), "/api/v1/admin/sms-templates"),
    "admin.reporter_message_switches": ((P.SMS_TEXTS_MANAGE,), "/api/v1/admin/reporter-messages"),
    "stats.departments": (EVERYONE, "/api/v1/stats/departments"),
    "stats.summary": (EVERYONE, "/api/v1/stats/summary"),
    "enterprises.list_enterprises": ((P.ENTERPRISE_READ, P.LEADER_HOME), "/api/v1/enterprises"),
    "enterprises.known_caller": ((P.ISSUE_CREATE,), "/api/v1/enterprises/caller?phone={phone}"),
    "enterprises.enterprise_page": ((P.ENTERPRISE_READ, P.LEADER_HOME), "/api/v1/enterprises/{enterprise}"),
    "enterprises.list_townships": (EVERYONE, "/api/v1/townships"),
    "enterprises.leader_enterprises": ((P.LEADER_HOME, P.LEADER_PAGES), "/api/v1/leaders/{leader}/enterprises"),
    "enterprises.leader_ledger": ((P.LEADER_HOME, P.LEADER_PAGES), "/api/v1/leaders/{leader}/ledger.xlsx"),
    "enterprises.visit_list": ((P.LEADER_HOME, P.LEADER_PAGES), "/api/v1/leaders/{leader}/visits"),
    "enterprises.invited_enterprises": ((P.MEETING_ATTENDEES,), "/api/v1/meetings/{meeting}/enterprises"),
    "enterprises.dashboard": ((P.LEADER_HOME,), "/api/v1/leaders/me/dashboard"),
    "reports.reports": ((P.LEADER_REPORTS,), "/api/v1/reports"),
    "notices.notices": (EVERYONE, "/api/v1/notices"),
    "disclosure.list_objections": ((P.DISCLOSURE_BATCHES,), "/api/v1/disclosure-batches/{batch}/objections"),
    "contest.quarter": ((P.CONTEST_READ,), "/api/v1/contest/quarter?year={contest_year}&quarter={contest_q}"),
    "contest.rules": ((P.CONTEST_READ,), "/api/v1/contest/rules"),
    "contest.praises": ((P.CONTEST_READ,), "/api/v1/contest/praises?year={contest_year}&quarter={contest_q}"),
    "contest.red_flag": (EVERYONE, "/api/v1/contest/red-flag"),
    "recheck.samples": ((P.RECHECK_READ,), "/api/v1/recheck/samples"),
    "recheck.sample": ((P.RECHECK_READ,), "/api/v1/recheck/samples/{sample}"),
    "recheck.records": ((P.ACCOUNTABILITY_READ,), "/api/v1/accountability"),
    "recheck.record": ((P.ACCOUNTABILITY_READ,), "/api/v1/accountability/{record}"),
    "recheck.document": ((P.ACCOUNTABILITY_READ,), "/api/v1/accountability/{record}/document"),
}
# Pages for those not signed in, and the API's description of itself.
NOT_WALKED = {"console.login", "console.login_verify", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}
WALKERS = {Role.ADMIN: "admin", Role.COORDINATOR: "coordinator", Role.OPERATOR: "operator",
           Role.SUPERVISOR: "supervisor", Role.LEADER: "leader2", Role.DEPARTMENT: "scj"}


def _allowed(role: str, opens) -> bool:
    return opens is EVERYONE or any(role in PERMISSIONS[p].roles for p in opens)


@pytest.fixture
def walk(app, tmp_path, monkeypatch):
    """The county of the IDOR matrix, walked by the department and the leader its issues belong
    to, so that every refusal below comes from a permission, not from an issue out of sight."""
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    monkeypatch.setitem(app.config, "LEDGER_UPLOADS_DIR", str(tmp_path / "uploads"))
    world = idor_matrix.build_world(app, tmp_path / "attachments")
    world.attackers = {role: [who] for role, who in WALKERS.items()} | {"anonymous": [None]}
    callers = idor_matrix.Callers(app, world)
    in_progress = next(i for i in world.issues if i.status == "in_progress")
    closed = next(i for i in world.issues if i.status == "closed")
    today = local_date(datetime.now(timezone.utc))
    ids = {"issue": in_progress.id, "closed": closed.id, "attachment": world.attachment_ids[0],
           "meeting": world.meeting_id, "department": world.departments["scj"], "phone": "13912340000",
           "year_start": today.replace(month=1, day=1).isoformat(), "today": today.isoformat(),
           "leader": world.owner_leader_id, "enterprise": world.enterprise_id,
           "batch": world.batch_id, "contest_year": world.contest_quarter[0],
           "contest_q": world.contest_quarter[1], "sample": world.sample_id, "record": world.record_id,
           "round": world.round_id}
    return callers, ids


def _get(callers, who: str, path: str, api: bool):
    client = callers.clients[who]
    headers = {"Authorization": f"Bearer {callers.tokens[who]}"} if api else {"Accept": "text/html"}
    return client.get(path, headers=headers)


def test_the_route_lists_name_every_route_that_reads(app):
    reading = {rule.endpoint for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and rule.endpoint.startswith(("console.", "issues.", "meetings.",
                                                                       "notifications.", "ledger.", "directory.",
                                                                       "admin.", "stats.", "enterprises.", "reports.",
                                                                       "disclosure.", "contest.", "recheck.",
                                                                       "notices."))}
    assert reading - NOT_WALKED == set(CONSOLE) | set(API)


def test_every_role_sees_exactly_the_pages_its_permissions_open(app, walk):
    callers, ids = walk
    wrong = []
    for role, who in WALKERS.items():
        for endpoint, (opens, path) in list(CONSOLE.items()) + list(API.items()):
            resp = _get(callers, who, path.format(**ids), api=endpoint in API)
            status = resp.status_code
            if endpoint == "console.home" or (endpoint == "console.dashboard" and role == Role.DEPARTMENT):
                status = 200 if status == 302 else status  # a landing page that sends the role on
            expected = {200} if _allowed(role, opens) else {403, 404}
            if status not in expected:
                wrong.append((role, endpoint, status))
    assert wrong == []


def _menu(page: str) -> list[str]:
    """The pages the menu bar links to, its headings' entries included, in order."""
    nav = page.split('<ul class="navbar-nav me-auto">', 1)[1].split('id="account-menu"', 1)[0]
    return [href for href in re.findall(r'href="([^"]+)"', nav) if href != "#"]


def test_the_menu_offers_exactly_the_pages_the_server_allows(app, walk):
    callers, ids = walk
    with app.test_request_context():
        paths = {endpoint: url_for(endpoint) for _, endpoint, _, _ in NAV}
    for role, who in WALKERS.items():
        menu = _menu(_get(callers, who, "/console/password", api=False).get_data(as_text=True))
        allowed = [paths[endpoint] for _, endpoint, _, _ in NAV
                   if _get(callers, who, paths[endpoint], api=False).status_code in (200, 302)]
        assert menu == allowed, role
        # and each role lands on a page of its menu
        with app.test_request_context():
            assert url_for(HOME_BY_ROLE[role]) in menu, role


def test_the_menu_and_the_table_agree_on_every_page_of_the_menu():
    for _, endpoint, _, opens in NAV:
        assert CONSOLE[endpoint][0] == opens, endpoint


def _sources(*packages: str) -> list[Path]:
    return [path for package in packages for path in sorted((ROOT / package).rglob("*.py"))]


def test_every_permission_in_the_table_is_used_somewhere():
    used = set()
    for path in _sources("service", "web"):
        used |= set(re.findall(r"(?:Permission|P)\.([A-Z_]+)\b", path.read_text(encoding="utf-8")))
    assert {p.name for p in Permission} - used == set()


def _role_sets(tree: ast.AST) -> list[int]:
    """Lines that hold a set of roles or test a role against one: `{Role.X, …}`, `ROLES = (Role.X, …)`,
    `x.role in …`, `x.role not in …`, and `x.role == / != Role.ADMIN` (being the administrator is a
    permission like any other)."""
    def is_role(node) -> bool:
        return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"

    def several_roles(node) -> bool:
        return isinstance(node, (ast.Set, ast.Tuple, ast.List)) and sum(map(is_role, node.elts)) >= 2

    lines = []
    for node in ast.walk(tree):
        # a set of roles anywhere; a tuple or list of them kept under a name
        if isinstance(node, ast.Set) and several_roles(node):
            lines.append(node.lineno)
        elif isinstance(node, ast.Assign) and several_roles(node.value):
            lines.append(node.lineno)
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "role":
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, (ast.In, ast.NotIn)):
                    lines.append(node.lineno)
                elif isinstance(op, (ast.Eq, ast.NotEq)) and is_role(right) and right.attr == "ADMIN":
                    lines.append(node.lineno)
    return sorted(set(lines))


# The workflow's enforcer reads the workflow table's role sets; the permission enforcer reads the
# permission table. Role names compared one by one elsewhere say whose issues (scope), not what.
ENFORCERS = {"service/workflow/transition.py", "service/identity/permissions.py"}


def test_no_role_set_is_left_outside_the_two_tables():
    found = []
    for path in _sources("service", "web", "models", "demo"):
        name = path.relative_to(ROOT).as_posix()
        if name in ENFORCERS | {"models/permissions.py", "models/workflow.py", "models/enums.py"}:
            continue
        found += [f"{name}:{line}" for line in _role_sets(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_walk_finds_a_role_set_where_one_is_written():
    assert _role_sets(ast.parse("ROLES = {Role.ADMIN, Role.LEADER}\nif user.role not in ROLES: pass\n"
                                "if actor.role != Role.ADMIN: pass\nOFFICE = (Role.ADMIN, Role.COORDINATOR)\n"
                                "q = User.role.in_((Role.LEADER, Role.SUPERVISOR))\n")) == [1, 2, 3, 4]


def test_workflow_steps_and_permissions_do_not_share_a_name():
    assert set(STEPS) & {p.value for p in Permission} == set()


def permission_table_markdown() -> str:
    """The permission table as docs/security.md shows it."""
    roles = list(Role)
    lines = ["| permission | what it allows | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |",
             "| --- | --- | " + " | ".join("---" for _ in roles) + " |"]
    for permission, grant in PERMISSIONS.items():
        marks = " | ".join("✓" if r in grant.roles else "" for r in roles)
        lines.append(f"| `{permission.name}` | {grant.meaning} | {marks} |")
    return "\n".join(lines) + "\n"


def test_the_security_notes_show_the_table_as_it_is():
    """docs/security.md lists the table; print `permission_table_markdown()` to renew it."""
    assert permission_table_markdown() in (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
