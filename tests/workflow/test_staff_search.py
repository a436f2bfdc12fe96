"""The staff search finds what the hotline is asked: the caller's name, any 4 or more digits of
their phone, their company, a tracking code typed short or in lower case, several words that
must all occur; only among the issues the user may see, with where each one matched."""
import pytest

from ..console_client import logged_in, text
from ..helpers import issue_in

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


def _caller(name: str, phone: str, org: str) -> dict:
    return {"name": name, "org": org, "phone": phone, "kind": "enterprise", "consent_public": False}


@pytest.fixture
def calls(api):
    return {
        "zhang": api.create_issue(title="厂区门前路灯不亮", content="夜间下班职工出行不便。",
                                  reporter=_caller("张卫东", "13912345678", "汉江新材料有限公司")),
        "zhao": api.create_issue(title="企业用电报装周期长", content="新上产线等待接电两个月。",
                                 reporter=_caller("赵敏", "13698765432", "秦巴食品有限公司")),
        "li": api.create_issue(title="用电价格咨询", content="峰谷电价执行时段不清楚。",
                               reporter=_caller("李四", "15800005678", "汉江新材料有限公司")),
    }


def _codes(api, q: str, who: str = "coordinator") -> set[str]:
    items = api.ok("GET", "/api/v1/issues", who, query_string={"q": q})["items"]
    return {i["code"] for i in items}


def test_the_callers_name_phone_digits_and_company_find_their_issues(api, calls):
    zhang, zhao, li = calls["zhang"]["code"], calls["zhao"]["code"], calls["li"]["code"]
    assert _codes(api, "张卫东") == {zhang}
    assert _codes(api, "赵敏") == {zhao}                      # two characters: no trigram
    assert _codes(api, "5678") == {zhang, li}                 # the last digits of two phones
    assert _codes(api, "98765") == {zhao}
    assert _codes(api, "汉江新材料") == {zhang, li}
    assert _codes(api, "１３９１２３４５６７８") == {zhang}     # typed in full-width digits


def test_several_words_must_all_occur_each_in_any_field(api, calls):
    assert _codes(api, "汉江新材料 用电") == {calls["li"]["code"]}
    assert _codes(api, "用电 赵敏") == {calls["zhao"]["code"]}
    assert _codes(api, "用电") == {calls["zhao"]["code"], calls["li"]["code"]}
    assert _codes(api, "用电 路灯") == set()


def test_a_tracking_code_typed_short_or_in_lower_case_is_a_look_up(api, calls):
    code = calls["zhao"]["code"]                               # YS2026-000002
    number = code.split("-")[1]
    assert _codes(api, number) == {code}
    assert _codes(api, code.lower()) == {code}
    assert _codes(api, "ys" + code[2:6] + "-" + str(int(number))) == {code}


def test_a_department_finds_only_what_it_may_see(api, calls):
    mine = issue_in(api, "in_progress", title="发改局承办的用电问题",
                    reporter=_caller("钱进", "13700009999", "汉江新材料有限公司"))
    assert _codes(api, "汉江新材料", "fgj") == {mine["code"]}
    assert _codes(api, "汉江新材料", "scj") == set()
    assert _codes(api, "13912345678", "fgj") == set()


def test_the_console_list_says_where_each_issue_matched(app, api, calls):
    page = text(logged_in(app, "coordinator").get("/console/issues?q=5678"))
    assert calls["zhang"]["code"] in page and calls["li"]["code"] in page
    assert "匹配：电话 139****5678" in page and "匹配：电话 158****5678" in page
    assert "13912345678" not in page
    page = text(logged_in(app, "coordinator").get("/console/issues?q=汉江新材料+路灯"))
    assert "匹配：标题、单位 汉江新材料有限公司" in page


def test_migration_0021_indexes_the_callers_already_on_record(database_url, tmp_path):
    """Issues stored before 0021 are found by their caller once it has run, and 0021 goes down
    and up again."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import insert, select
    from sqlmodel import Session

    from models import Issue
    from service.core.migrate import alembic_config
    from service.workflow.queries import text_match

    from ..conftest import scratch_database
    with scratch_database(database_url, tmp_path) as engine:
        def migrate(step: str, down: bool = False) -> None:
            with engine.begin() as conn:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                (command.downgrade if down else command.upgrade)(cfg, step)

        def found(q: str) -> list[int]:
            with Session(engine) as s:
                stmt, _ = text_match(s, select(Issue.id), q)
                return list(s.execute(stmt).scalars())
        migrate("0020")
        with engine.begin() as conn:
            conn.execute(insert(Issue).values(
                code="YS2026-000001", year=2026, seq=1, version=1, title="园区道路破损", content="货车绕行",
                channel="hotline",
                reporter_name="周建华", reporter_org="汉江物流有限公司", reporter_phone="13511112222",
                created_at=datetime(2026, 11, 2, tzinfo=UTC), updated_at=datetime(2026, 11, 2, tzinfo=UTC)))
        migrate("head")
        assert found("周建华") == found("1111222") == found("汉江物流") == found("道路 周建华") == [1]
        migrate("0020", down=True)
        migrate("head")
        assert found("汉江物流") == [1]


def test_a_callers_name_is_answered_by_the_trigram_index(api, calls, db):
    """The query's expression is exactly the index's: the database looks the term up instead of
    reading every issue."""
    import re

    from sqlalchemy import select, text

    from models import Issue
    from service.workflow.queries import text_match
    stmt, _ = text_match(db, select(Issue.id), "汉江新材料")
    compiled = str(stmt.compile(db.get_bind(), compile_kwargs={"literal_binds": True})).replace("%%", "%")
    if db.get_bind().dialect.name == "sqlite":
        plan = " ".join(str(r[-1]) for r in db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert re.search(r"VIRTUAL TABLE INDEX", plan), plan
    else:
        # so small a table is cheaper to read whole: take that path away, inside this transaction
        db.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(r[0] for r in db.execute(text(f"EXPLAIN {compiled}")))
        assert "Bitmap Index Scan on ix_issue_text_search" in plan, plan
    db.rollback()


def test_the_api_says_where_each_issue_matched(api, calls):
    items = api.ok("GET", "/api/v1/issues", "coordinator", query_string={"q": "汉江新材料 路灯"})["items"]
    assert [i["matched"] for i in items] == [["标题", "单位 汉江新材料有限公司"]]
    assert "matched" not in api.ok("GET", "/api/v1/issues", "coordinator")["items"][0]


def test_a_short_term_walks_the_newest_issues_without_the_text_index(api, calls, db):
    """A term of 1 or 2 characters has no trigram: the newest issues are read until the page is
    full. On SQLite the FTS table must stay out of that walk, or it is read whole first (a
    caller's surname took close to a second at 200,000 issues)."""
    from sqlalchemy import select, text

    from models import Issue
    from service.workflow.queries import text_match
    stmt, _ = text_match(db, select(Issue.id).order_by(Issue.id.desc()).limit(50), "赵敏")
    assert list(db.execute(stmt).scalars()) == [calls["zhao"]["id"]]
    if db.get_bind().dialect.name == "sqlite":
        compiled = str(stmt.compile(db.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r[-1]) for r in db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "issue_text" not in plan and "VIRTUAL TABLE" not in plan, plan
    db.rollback()
