"""Public search in Chinese on both databases: trigram-indexed terms of 3+ characters, a
fallback for 1-2 characters, several terms, LIKE wildcards taken literally, filters and
cursor pages together with search, and the masked text deciding."""
import re

import pytest
from sqlalchemy import text

from service.core import text_search
from service.core.migrate import alembic_config
from service.disclosure import search
from service.disclosure.public import list_public, public_issues

from ..conftest import audit_guard_lifted
from ..helpers import EVALUATE, REPORTER, issue_in
from ..public_helpers import published, walk

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db

API = "/api/v1/public/issues"


def found(api, q: str, **params) -> list[str]:
    query = {"q": q, **params}
    return [i["code"] for i in api.ok("GET", API, query_string=query)["items"]]


@pytest.fixture
def corpus(api):
    return {
        "power": published(api, title="企业用电报装等待时间过长", summary="县供电公司已压缩报装时限，企业已通电。"),
        "road": published(api, title="园区道路破损影响物流", summary="园区东路已修复，货车恢复通行。",
                          channel="evening_tea"),
        "loan": published(api, title="融资担保费率高", summary="县财政局出台贴息政策，担保费率降至千分之五。"),
        "pct": published(api, title="收费标准100%_上浮", summary="已按标准清退多收费用。"),
        "hidden": issue_in(api, "closed", title="用电报装未公示的问题"),
    }


def test_a_chinese_term_of_three_or_more_characters(corpus, api):
    assert found(api, "用电报装") == [corpus["power"]["code"]]
    assert found(api, "货车恢复通行") == [corpus["road"]["code"]]      # in the summary only
    assert found(api, "担保费率") == [corpus["loan"]["code"]]
    assert found(api, "没有的词语") == []


def test_one_and_two_character_terms(corpus, api):
    assert set(found(api, "园区")) == {corpus["road"]["code"]}
    assert set(found(api, "企业")) == {corpus["power"]["code"]}
    assert set(found(api, "县")) == {corpus["power"]["code"], corpus["loan"]["code"]}


def test_every_term_must_match(corpus, api):
    assert found(api, "园区 货车") == [corpus["road"]["code"]]
    assert found(api, "园区道路 用电") == []
    assert found(api, "  用电报装   企业  ") == [corpus["power"]["code"]]


def test_wildcards_and_quotes_are_plain_characters(corpus, api):
    assert found(api, "%") == [corpus["pct"]["code"]]
    assert found(api, "_") == [corpus["pct"]["code"]]
    assert found(api, "100%_") == [corpus["pct"]["code"]]
    assert found(api, '"') == [] and found(api, '"用电报装"') == []
    assert found(api, "用电* OR 园区") == []


def test_case_and_full_width_letters(api):
    issue = published(api, title="ETC通道办理慢", summary="已开通ETC线上办理")
    assert found(api, "etc") == [issue["code"]]
    assert found(api, "ＥＴＣ通道") == [issue["code"]]     # full-width letters are normalised


def test_search_with_filters(corpus, api):
    assert found(api, "园区", channel="evening_tea") == [corpus["road"]["code"]]
    assert found(api, "园区", channel="hotline") == []
    assert found(api, "用电报装", type="help") == [corpus["power"]["code"]]


def test_search_pages_with_a_cursor(api, db):
    codes = [published(api, title=f"供水管网改造第{i}批", summary="已完成")["code"] for i in range(5)]
    published(api, title="不相关的问题", summary="无关")
    seen, cursor = [], None
    while True:
        items, cursor = list_public(db, q="供水管网", limit=2, cursor=cursor)
        seen += [i["code"] for i in items]
        if not cursor:
            break
    assert seen == codes[::-1]
    items, cursor = list_public(db, q="水", limit=2)
    assert len(items) == 2 and cursor


def test_the_masked_text_decides(api):
    """A name, phone or ID number still in the stored text is a match in the database, but the
    public never sees it there: searching for it finds nothing."""
    phone, id_number = REPORTER["phone"], "610102199001011234"
    issue = published(api, summary=f"{REPORTER['name']}（{phone}，身份证{id_number}）反映的{REPORTER['org']}"
                                   "门前道路已修复。")
    for secret in (REPORTER["name"], phone, id_number, REPORTER["org"], phone[:7], id_number[:10]):
        assert found(api, secret) == [], secret
    assert found(api, "门前道路已修复") == [issue["code"]]
    assert found(api, "某单位门前") == []     # the mask itself is not in the stored text


def test_terms_are_normalised_and_bounded():
    assert text_search.terms("  用电  ＡＢＣ  用电 ") == ["用电", "ABC"]
    assert text_search.terms(None) == [] and text_search.terms("   ") == []
    assert len(text_search.terms(" ".join(str(i) for i in range(20)))) == text_search.MAX_TERMS
    assert text_search.terms("字" * 100) == ["字" * text_search.MAX_TERM_CHARS]


def test_the_index_follows_publication(api, db):
    """The search structure sees an issue from the moment it is published, and only then."""
    issue = issue_in(api, "closed", title="天然气接入费用过高")
    assert found(api, "天然气接入") == []
    walk(api, issue, [EVALUATE, ("publish", "coordinator", {"public_summary": "燃气公司已降低接入收费。",
                                                   "public_title": "燃气接入收费调整"})])
    # the public title replaces the working one, on the page and in search
    assert found(api, "燃气接入收费") == [issue["code"]]
    assert found(api, "天然气接入") == []
    with audit_guard_lifted(db.connection()):  # the audit trail refuses deletes to the app
        for table in ("deadline_judgement", "issue_evaluation", "issue_event", "issue_co_department", "sms_outbox",
                      "notice"):
            db.execute(text(f"DELETE FROM {table} WHERE issue_id = :id"), {"id": issue["id"]})
        db.execute(text("DELETE FROM issue WHERE id = :id"), {"id": issue["id"]})
    db.commit()
    assert found(api, "燃气接入收费") == []
    if db.get_bind().dialect.name == "sqlite":
        assert db.execute(text("SELECT count(*) FROM issue_search")).scalar() == 0


def test_the_search_uses_the_trigram_index(db):
    """With enough published rows, the plan for a 3+ character term goes through the FTS5 table
    (SQLite) or the partial pg_trgm index (PostgreSQL)."""
    from datetime import datetime, timezone

    from sqlalchemy import insert

    from models import Issue
    from service.disclosure.public import PublicFilters, _filtered
    now = datetime.now(timezone.utc)
    db.execute(insert(Issue), [
        {"code": f"PL2026-{i:06d}", "year": 2026, "seq": 900000 + i, "title": f"第{i}号问题",
         "content": "-", "type": "help", "channel": "hotline", "reporter_kind": "person",
         "reporter_consent_public": False, "status": "published", "disclosure": "public",
         "answered_on_spot": False, "reopen_count": 0, "extension_count": 0, "version": 1,
         "public_summary": "用电报装已办结" if i % 500 == 0 else "道路已修复",
         "created_at": now, "updated_at": now} for i in range(3000)])
    db.commit()
    dialect = db.get_bind().dialect.name
    db.execute(text("ANALYZE"))
    stmt, _ = search.indexed(_filtered(PublicFilters()), dialect, ["用电报装"])
    compiled = str(stmt.compile(db.get_bind(), compile_kwargs={"literal_binds": True})).replace("%%", "%")
    if dialect == "sqlite":
        plan = " ".join(str(r[-1]) for r in db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert re.search(r"VIRTUAL TABLE INDEX", plan), plan
    else:
        # On so small a table other paths are cheaper: take them away (inside this transaction,
        # rolled back below) to see that the trigram index matches the query's expression.
        db.execute(text("SET LOCAL enable_seqscan = off"))
        db.execute(text("SET LOCAL enable_indexscan = off"))
        for index in ("ix_issue_figures", "ix_issue_status_id", "ix_issue_disclosure"):
            db.execute(text(f"DROP INDEX {index}"))
        plan = " ".join(r[0] for r in db.execute(text(f"EXPLAIN {compiled}")))
        assert "Bitmap Index Scan on ix_issue_public_search" in plan, plan
    db.rollback()


def test_migration_0004_downgrades_and_upgrades(database_url, tmp_path):
    """0004 goes down to 0003 and up again on a fresh database of the same kind."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from ..conftest import scratch_database
    with scratch_database(database_url, tmp_path) as engine:
        cfg = alembic_config()
        for step in ("head", "0003", "head"):
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                (command.upgrade if step == "head" else command.downgrade)(cfg, step)
        with engine.connect() as conn:
            head = ScriptDirectory.from_config(cfg).get_current_head()  # later migrations follow 0004
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head


def test_search_reads_recent_rows_then_the_index_in_one_order(api, db, monkeypatch):
    """PostgreSQL walks the newest rows before asking the trigram index for older ones; pages
    run across the seam in one newest-first order (a window of 3 rows makes the seam)."""
    monkeypatch.setattr(search, "RECENT_WINDOW", 3)
    codes = []
    for i in range(7):
        title = f"冷链物流园第{i}期" if i % 2 == 0 else f"其他问题{i}"
        issue = published(api, title=title, summary="已办结")
        if i % 2 == 0:
            codes.append(issue["code"])
    seen, cursor = [], None
    for _ in range(10):
        items, cursor = list_public(db, q="冷链物流 园第", limit=1, cursor=cursor)
        seen += [i["code"] for i in items]
        if not cursor:
            break
    assert seen == codes[::-1]
    segments = search.plan(db, public_issues(), ["冷链物流"])
    assert len(segments) == (2 if db.get_bind().dialect.name == "postgresql" else 1)
