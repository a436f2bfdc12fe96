"""The public view of the text search (service/core/text_search.py): the title and public
summary of published public issues.

- SQLite: the FTS5 table of migration 0004 holds the title and public summary of published
  public issues only (a copy, kept in step by triggers); a term of 1 or 2 characters is looked
  for in that copy.
- PostgreSQL: the partial GIN trigram index of migration 0004 on `coalesce(public_title, title)
  || ' ' || coalesce(public_summary, '')` over published public rows. The newest rows are walked
  first (`plan`): the index's bitmap holds every match, which for a common term costs more than
  walking.

The database narrows the candidates on the stored text; the final word belongs to the *masked*
public text (`keep` in `filtered_page`): a term must occur in the title or summary exactly as
the public sees them, so searching for a reporter's name, phone or ID number that a summary
still carried finds nothing, even though the raw text matched.
"""
from collections.abc import Callable

from sqlalchemy import Integer, Select, column, literal_column, table
from sqlmodel import Session

from models import Issue
from service.core.paging import MAX_LIMIT, decode_cursor, encode_cursor
from service.core.text_search import TRIGRAM, TextIndex, narrow, walked

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
PUBLIC = TextIndex(fts=FTS, fts_name="issue_search", short_fields=(FTS.c.title, FTS.c.summary),
                   pg_text=PG_TEXT, pg_rows=PG_PUBLIC, fts_holds_rows=True)


def indexed(stmt: Select, dialect: str, words: list[str]):
    """`stmt` (a select of Issue over public rows) narrowed, through the public trigram index, to
    rows whose stored title or public summary contains every term; and the column to page it by."""
    return narrow(stmt, dialect, words, PUBLIC)


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
    recent = walked(stmt.where(PG_PUBLIC), words, PUBLIC)
    if floor is None:
        return [(recent, Issue.id)]
    older, column = indexed(stmt.where(Issue.id <= floor), dialect, words)
    return [(recent.where(Issue.id > floor), Issue.id), (older, column)]


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
