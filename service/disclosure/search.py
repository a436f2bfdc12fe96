"""Public search over the title and public summary of published issues, for Chinese text.

Chinese has no spaces between words, so word tokenizers (FTS5 unicode61, PostgreSQL's
to_tsvector) see a whole sentence as one token, and a dictionary segmenter (jieba, zhparser)
needs a dictionary, misses county place names and product names, and would have to run the
same way inside both databases. What a visitor types is a fragment of the text (“用电报装”,
“园区道路”, a township's name), so the search is a *substring* search, made fast with
trigram indexes, which need no dictionary and treat every character alike:

- SQLite: an FTS5 table with the trigram tokenizer (migration 0004) holding the title and
  public summary of published public issues only, kept in step by triggers. A term of 3 or
  more characters is a quoted phrase in `MATCH`, which FTS5 answers as a substring match from
  its trigram index. Results come newest first straight from the FTS index (`ORDER BY rowid
  DESC`), so a page stops after `limit` rows even for a common term.
- PostgreSQL: pg_trgm and a partial GIN index on `coalesce(public_title, title) || ' ' ||
  coalesce(public_summary, '')` over published public rows; a term of 3 or more characters is
  an `ILIKE '%term%'` that the index answers. The newest rows are walked first (`plan`): the
  index's bitmap holds every match, which for a common term costs more than walking.
- A term of 1 or 2 characters has no trigram. It is matched by LIKE (SQLite, on the FTS
  table's copy of the published rows) or `strpos` (PostgreSQL, written so that the planner
  walks the published rows newest first instead of the whole trigram index), stopping as soon
  as a page is full: fast for a common short term, a walk over all published rows for a short
  term that hardly occurs (about 0.6 s for 300,000 published rows; bench/README.md).

Several terms separated by spaces must all match. The database narrows the candidates on
the stored text; the final word belongs to the *masked* public text (`keep` in
`filtered_page`): a term must occur in the title or summary exactly as the public sees them,
so searching for a reporter's name, phone or ID number that a summary still carried finds
nothing, even though the raw text matched.
"""
import unicodedata
from collections.abc import Callable

from sqlalchemy import Integer, Select, column, func, literal_column, or_, table
from sqlmodel import Session

from models import Issue
from service.core.paging import MAX_LIMIT, decode_cursor, encode_cursor
from service.core.text_match import LIKE_ESCAPE, contains_pattern, fts5_phrase

MAX_TERMS = 5
MAX_TERM_CHARS = 40
TRIGRAM = 3
# How many candidate rows one page may examine before it hands back a cursor to go on from.
MAX_EXAMINED = 5000
# PostgreSQL: how many of the newest public rows are walked before the trigram index is asked.
RECENT_WINDOW = 5000

# The FTS5 table of migration 0004 (SQLite only).
FTS = table("issue_search", column("rowid", Integer), column("title"), column("summary"))
# Exactly the expression and the predicate of the partial trigram index of migration 0004
# (PostgreSQL): written out as text so that both match the index under any plan.
PG_TEXT = literal_column("(coalesce(issue.public_title, issue.title) || ' ' || coalesce(issue.public_summary, ''))")
PG_PUBLIC = literal_column("issue.status = 'published' AND issue.disclosure = 'public'")


def terms(q: str | None) -> list[str]:
    """The search terms of a query: NFKC-normalised (full-width letters and digits become
    half-width), split on spaces, at most MAX_TERMS of at most MAX_TERM_CHARS each."""
    text = unicodedata.normalize("NFKC", q or "")
    out: list[str] = []
    for term in text.split():
        term = "".join(ch for ch in term if ch.isprintable())[:MAX_TERM_CHARS]
        if term and term.casefold() not in (t.casefold() for t in out):
            out.append(term)
    return out[:MAX_TERMS]


def indexed(stmt: Select, dialect: str, words: list[str]):
    """`stmt` (a select of Issue over public rows) narrowed, through the trigram index, to rows
    whose stored title or public summary contains every term; and the column to page it by."""
    long_terms = [t for t in words if len(t) >= TRIGRAM]
    short_terms = [t for t in words if len(t) < TRIGRAM]
    if dialect == "sqlite":
        stmt = stmt.join(FTS, FTS.c.rowid == Issue.id)
        if long_terms:
            stmt = stmt.where(literal_column("issue_search").op("MATCH")(" ".join(map(fts5_phrase, long_terms))))
        for term in short_terms:
            pattern = contains_pattern(term)
            stmt = stmt.where(or_(FTS.c.title.like(pattern, escape=LIKE_ESCAPE),
                                  FTS.c.summary.like(pattern, escape=LIKE_ESCAPE)))
        # With a MATCH, the FTS index leads and hands rows over newest first by its rowid. With
        # short terms only, the published rows lead (newest first by issue.id, through the
        # status index) and each is checked in the FTS table by rowid, stopping at a full page.
        return stmt, (FTS.c.rowid if long_terms else Issue.id)
    if dialect == "postgresql":
        stmt = stmt.where(PG_PUBLIC)
        for term in long_terms:
            stmt = stmt.where(PG_TEXT.ilike(contains_pattern(term), escape=LIKE_ESCAPE))
        return walked(stmt, short_terms), Issue.id
    # any other database: plain LIKE, correct but unindexed
    text = func.coalesce(Issue.public_title, Issue.title) + " " + func.coalesce(Issue.public_summary, "")
    for term in words:
        stmt = stmt.where(text.like(contains_pattern(term), escape=LIKE_ESCAPE))
    return stmt, Issue.id


def walked(stmt: Select, words: list[str]) -> Select:
    """PostgreSQL: the terms as `strpos`, which no index answers, so that the planner walks the
    published rows newest first and stops at a full page."""
    for term in words:
        stmt = stmt.where(func.strpos(func.lower(PG_TEXT), term.lower()) > 0)
    return stmt


def plan(session: Session, stmt: Select, words: list[str]) -> list[tuple[Select, object]]:
    """The queries that together give the matching rows newest first, as (query, order column)
    segments over disjoint id ranges, read in turn.

    PostgreSQL answers a trigram search with a bitmap of *every* matching row, then sorts: for a
    common term that is tens of thousands of rows read to show twenty. So the newest
    RECENT_WINDOW public rows are walked first (a common term fills the page there), and the
    trigram index serves only the older rows, where a term that reaches it is a rare one."""
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql" or not any(len(t) >= TRIGRAM for t in words):
        return [indexed(stmt, dialect, words)]
    floor = session.execute(stmt.where(PG_PUBLIC).with_only_columns(Issue.id).order_by(Issue.id.desc())
                            .offset(RECENT_WINDOW).limit(1)).scalar()
    recent = walked(stmt.where(PG_PUBLIC), words)
    if floor is None:
        return [(recent, Issue.id)]
    older, column = indexed(stmt.where(Issue.id <= floor), dialect, words)
    return [(recent.where(Issue.id > floor), Issue.id), (older, column)]


def matches(words: list[str], *texts: str | None) -> bool:
    """Every term occurs (case-insensitively) in one of the texts as the public sees them."""
    folded = [(t or "").casefold() for t in texts]
    return all(any(w.casefold() in t for t in folded) for w in words)


def filtered_page(session: Session, segments: list[tuple[Select, object]], limit: int, cursor: str | None,
                  keep: Callable[[Issue], bool]) -> tuple[list[Issue], str | None]:
    """Keyset pagination (newest first) over `segments` (see `plan`), keeping only rows for which
    `keep` holds.

    Candidates are read in batches until the page is full; after MAX_EXAMINED candidates the
    page ends early with a cursor to go on from, so no request reads without bound."""
    limit = max(1, min(limit, MAX_LIMIT))
    before = decode_cursor(cursor) if cursor else None
    batch = max(2 * limit, 50)
    kept: list[Issue] = []
    examined = 0
    for stmt, order_column in segments:
        while True:
            query = stmt if before is None else stmt.where(order_column < before)
            rows = list(session.execute(query.order_by(order_column.desc()).limit(batch)).scalars())
            for row in rows:
                examined += 1
                if keep(row):
                    kept.append(row)
                    if len(kept) > limit:
                        return kept[:limit], encode_cursor(kept[limit - 1].id)
            if len(rows) < batch:
                break
            before = rows[-1].id
            if examined >= MAX_EXAMINED:
                return kept, encode_cursor(before)
    return kept, None
