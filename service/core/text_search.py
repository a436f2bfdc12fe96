"""Substring search over Chinese text, one core for the staff search (every issue the user may
see: title, content and the reporter's name, organisation and phone) and the public one
(published issues: the title and summary as the public sees them).

Chinese has no spaces between words, so word tokenizers (FTS5 unicode61, PostgreSQL's
to_tsvector) see a whole sentence as one token, and a dictionary segmenter (jieba, zhparser)
needs a dictionary, misses county place names and product names, and would have to run the
same way inside both databases. What a user types is a fragment of the text (“用电报装”, a
township's name, the last digits of a phone), so the search is a *substring* search made fast
with trigram indexes, which need no dictionary and treat every character alike. Each view is a
`TextIndex`: the FTS5 table (trigram tokenizer) on SQLite, the indexed expression (pg_trgm GIN)
on PostgreSQL, and the fields a short term is looked for in.

- A query is split on spaces into at most MAX_TERMS terms (NFKC: full-width letters and digits
  become half-width); every term must occur (AND), each in any of the view's fields.
- A term of 3 or more characters is answered by the trigram index: quoted phrases in FTS5's
  `MATCH` on SQLite (read newest first by rowid, so a page stops after `limit` rows), `ILIKE
  '%term%'` on the indexed expression on PostgreSQL, written into the statement so the planner
  picks its plan per term (walk the newest rows for a common one, ask the index for a rare one).
- A term of 1 or 2 characters has no trigram: LIKE on the fields (SQLite) or `strpos` on the
  expression (PostgreSQL); the newest rows are read until the page is full.

A term holds no space, so it never matches across the separator of the concatenated fields.
"""
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, func, literal_column, or_

from models import Issue

LIKE_ESCAPE = "\\"
MAX_TERMS = 5
MAX_TERM_CHARS = 40
TRIGRAM = 3


def escape_like(term: str) -> str:
    """`term` with LIKE's wildcards and the escape character escaped (`escape=LIKE_ESCAPE`)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(term: str) -> str:
    """The LIKE pattern (used with `escape=LIKE_ESCAPE`) of a text containing `term`."""
    return f"%{escape_like(term)}%"


def fts5_phrase(term: str) -> str:
    """`term` as one FTS5 phrase: its characters matched as they are, in order."""
    return '"' + term.replace('"', '""') + '"'


def terms(q: str | None) -> list[str]:
    """The search terms of a query: NFKC-normalised, split on spaces, without repeats (case
    aside), at most MAX_TERMS of at most MAX_TERM_CHARS each."""
    text = unicodedata.normalize("NFKC", q or "")
    out: list[str] = []
    for term in text.split():
        term = "".join(ch for ch in term if ch.isprintable())[:MAX_TERM_CHARS]
        if term and term.casefold() not in (t.casefold() for t in out):
            out.append(term)
    return out[:MAX_TERMS]


def found_in(term: str, text: str | None) -> bool:
    """`term` occurs in `text`, case aside."""
    return term.casefold() in (text or "").casefold()


def matches(words: list[str], *texts: str | None) -> bool:
    """Every term occurs in one of the texts."""
    return all(any(found_in(w, t) for t in texts) for w in words)


@dataclass(frozen=True)
class TextIndex:
    """One view's trigram index."""

    fts: object            # SQLite: the FTS5 table (sqlalchemy `table`, with a rowid column)
    fts_name: str          # its name, the left side of MATCH
    short_fields: tuple    # SQLite: where a term of 1 or 2 characters is looked for with LIKE
    pg_text: object        # PostgreSQL: exactly the expression of the GIN trigram index
    pg_rows: object = None  # PostgreSQL: the partial index's predicate, when it has one
    fts_holds_rows: bool = False  # SQLite: the FTS table holds only this view's rows (joined always)


def narrow(stmt: Select, dialect: str, words: list[str], index: TextIndex) -> tuple[Select, object]:
    """`stmt` (a select of Issue) narrowed, through `index`, to rows where every term occurs;
    and the column to page the result by (newest first)."""
    long_terms = [t for t in words if len(t) >= TRIGRAM]
    short_terms = [t for t in words if len(t) < TRIGRAM]
    if dialect == "sqlite":
        if long_terms or index.fts_holds_rows:
            stmt = stmt.join(index.fts, index.fts.c.rowid == Issue.id)
        if long_terms:
            stmt = stmt.where(literal_column(index.fts_name).op("MATCH")(" ".join(map(fts5_phrase, long_terms))))
        for term in short_terms:
            pattern = contains_pattern(term)
            stmt = stmt.where(or_(*(f.like(pattern, escape=LIKE_ESCAPE) for f in index.short_fields)))
        # With a MATCH, the FTS index leads and hands rows over newest first by its rowid. With
        # short terms only, the issues lead (newest first by id, through their own indexes),
        # each checked in the FTS table by rowid where that table holds the view's rows, and
        # the walk stops at a full page.
        return stmt, (index.fts.c.rowid if long_terms else Issue.id)
    if dialect == "postgresql":
        if index.pg_rows is not None:
            stmt = stmt.where(index.pg_rows)
        for n, term in enumerate(long_terms):
            # written into the statement: once psycopg has prepared a statement the server may
            # keep one generic plan for every value, and the best plan depends on the term
            pattern = bindparam(f"term_{n}", contains_pattern(term), literal_execute=True)
            stmt = stmt.where(index.pg_text.ilike(pattern, escape=LIKE_ESCAPE))
        return walked(stmt, short_terms, index), Issue.id
    # any other database: plain LIKE on the fields, correct but unindexed
    for term in words:
        pattern = contains_pattern(term)
        stmt = stmt.where(or_(*(f.like(pattern, escape=LIKE_ESCAPE) for f in index.short_fields)))
    return stmt, Issue.id


def walked(stmt: Select, words: list[str], index: TextIndex) -> Select:
    """PostgreSQL: the terms as `strpos`, which no index answers, so that the planner walks the
    rows newest first and stops at a full page."""
    for term in words:
        stmt = stmt.where(func.strpos(func.lower(index.pg_text), term.lower()) > 0)
    return stmt
