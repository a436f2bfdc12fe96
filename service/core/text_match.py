"""How a searched term is written into a statement, for the staff search and the public one
alike: a LIKE pattern that finds the term anywhere with its own `%`, `_` and `\\` taken
literally, and an FTS5 phrase (SQLite's trigram index) with its quotes doubled."""

LIKE_ESCAPE = "\\"


def escape_like(term: str) -> str:
    """`term` with LIKE's wildcards and the escape character escaped (`escape=LIKE_ESCAPE`)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(term: str) -> str:
    """The LIKE pattern (used with `escape=LIKE_ESCAPE`) of a text containing `term`."""
    return f"%{escape_like(term)}%"


def fts5_phrase(term: str) -> str:
    """`term` as one FTS5 phrase: its characters matched as they are, in order."""
    return '"' + term.replace('"', '""') + '"'
