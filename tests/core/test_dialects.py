"""Every place in service/ and models/ that branches on the database's dialect has a test that
runs on both databases (marked `both_db`, see tests/conftest.py): the rest of the suite runs on
SQLite only, so a dialect branch without one would go untested on PostgreSQL.

Other tests are marked `both_db` without a branch to point at: SQL that may answer differently
on each engine (the assessment's dates and aggregates, malformed text reaching the database),
the migrations' data steps."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

# module → the tests (a file, or file::test) that exercise its dialect branches on both databases
BOTH_DB_TESTS = {
    "service/core/db.py": ["test_query_counts.py", "test_lists.py", "test_concurrency.py"],
    "service/core/text_search.py": ["test_public_search.py", "test_staff_search.py"],
    "service/core/scheduler_lock.py": ["test_leader.py", "test_metrics.py"],
    "service/deadlines/policies.py": ["test_policies.py"],
    "service/disclosure/search.py": ["test_public_search.py"],
    "service/identity/login_throttle.py": ["test_security_login.py"],
    "service/intake/codes.py": ["test_codes.py"],
    "service/notices/send.py": ["test_notices.py::test_a_failed_sms_tells_the_office_once",
                                "test_notices.py::test_review_dates_tell_the_office_once_however_often_the_job_runs"],
    "service/matching/similar.py": ["test_similar_and_repeats.py::test_a_like_title_is_found_with_its_reasons"],
    "service/reminders/outbox.py": ["test_outbox.py", "test_dispatch_processes.py"],
    "service/reminders/plan.py": ["test_reminders.py"],
    "service/workflow/meetings.py":
        ["test_intake_desk.py::test_the_desk_preselects_tonights_meeting_during_the_session"],
    "service/workflow/queries.py": ["test_lists.py", "test_query_counts.py"],
}
DIALECTS = {"sqlite", "postgresql"}
# Calls that answer "which database is this?"
DIALECT_HELPERS = {"is_postgres", "_postgresql"}


def _branches_on_dialect(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "name" \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "dialect":
            return True  # engine.dialect.name, session.get_bind().dialect.name
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy.dialects"):
            return True  # dialect-specific statements (INSERT … ON CONFLICT)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in DIALECT_HELPERS:
                return True
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value in DIALECTS for o in operands):
                return True  # make_url(url).get_backend_name() == "sqlite"
    return False


def dialect_modules() -> set[str]:
    found = set()
    for package in ("service", "models"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if _branches_on_dialect(ast.parse(path.read_text(encoding="utf-8"))):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def _marked_both_db(decorators: list[ast.expr]) -> bool:
    return any(isinstance(d, ast.Attribute) and d.attr == "both_db" for d in decorators)


def runs_on_both_databases(target: str) -> bool:
    """The test file's module is marked `pytestmark = pytest.mark.both_db`, or the named test is."""
    file, _, test = target.partition("::")
    found = sorted(TESTS.rglob(file))
    if len(found) != 1:
        return False
    path = found[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            marks = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            if _marked_both_db(marks):
                return True
        if test and isinstance(node, ast.FunctionDef) and node.name == test:
            return _marked_both_db(node.decorator_list)
    return False


def test_the_finder_sees_each_kind_of_branch():
    cases = {
        "if session.get_bind().dialect.name == 'postgresql': pass": True,
        "from sqlalchemy.dialects import postgresql": True,
        "if is_postgres(session): pass": True,
        "x = make_url(u).get_backend_name() == 'sqlite'": True,
        "x = 'postgresql://user@host/db'": False,
    }
    for source, branches in cases.items():
        assert _branches_on_dialect(ast.parse(source)) is branches, source


def test_every_dialect_branch_has_a_test_on_both_databases():
    found = dialect_modules()
    assert found == set(BOTH_DB_TESTS), (
        "modules that branch on the dialect and the map of their both-database tests differ: "
        f"unmapped {sorted(found - set(BOTH_DB_TESTS))}, no longer branching "
        f"{sorted(set(BOTH_DB_TESTS) - found)}")
    missing = {module: target for module, targets in BOTH_DB_TESTS.items() for target in targets
               if not runs_on_both_databases(target)}
    assert not missing, f"tests named for a dialect branch that do not run on both databases: {missing}"

