"""reporter names and organisations that show nothing, set to NULL

Revision ID: 0012
Revises: 0011

A reporter's name or organisation of only spaces (or of other characters that show nothing:
tabs, full-width or zero-width spaces, control characters) used to be accepted; once such an
issue was published, the public pages answered 500 (the masking had no first character to
show). Such text is refused where it is entered now (service.intake), and every public and
export path survives it; the values already stored are set to NULL here, which is what “not
given” is everywhere (the public page then reads 匿名). Each repaired issue gets a line on its
timeline (an `edit` by no one, naming the field), so the change is on the record.

The rule is frozen here as it stood: a text is blank when every character of its NFKC form is
of a Unicode category that shows nothing (Cc, Cf, Zs, Zl, Zp). PostgreSQL finds them with a
regular expression over those characters; SQLite with the same rule in Python.
"""
import sys
import unicodedata
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from models.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FIELDS = {"reporter_name": ("reporter.name", "反映人姓名"), "reporter_org": ("reporter.org", "单位（企业）名称")}
INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
NOTE = "数据修复：{labels}只有空格或不可见字符，已清空（视为未填写）"


def _blank(value: str | None) -> bool:
    return value is not None and all(unicodedata.category(ch) in INVISIBLE
                                     for ch in unicodedata.normalize("NFKC", value))


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _visible_pattern() -> str:
    """A PostgreSQL regular expression matching any character that shows something."""
    ranges: list[tuple[int, int]] = []
    for code in range(1, sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or unicodedata.category(chr(code)) not in INVISIBLE:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "[^" + "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges) + "]"


def _blank_ids(conn, column: str) -> list[int]:
    if conn.dialect.name == "postgresql":
        return list(conn.execute(sa.text(f"SELECT id FROM issue WHERE {column} IS NOT NULL AND {column} !~ :visible"),
                                 {"visible": _visible_pattern()}).scalars())
    rows = conn.execute(sa.text(f"SELECT id, {column} FROM issue WHERE {column} IS NOT NULL"))
    return [issue_id for issue_id, value in rows if _blank(value)]


def upgrade() -> None:
    conn = op.get_bind()
    repaired: dict[int, list[str]] = {}
    for column in FIELDS:
        ids = _blank_ids(conn, column)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            conn.execute(sa.text(f"UPDATE issue SET {column} = NULL WHERE id IN :ids")
                         .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk})
        for issue_id in ids:
            repaired.setdefault(issue_id, []).append(column)
    if not repaired:
        return
    statuses = dict(conn.execute(sa.text("SELECT id, status FROM issue WHERE id IN :ids")
                                 .bindparams(sa.bindparam("ids", expanding=True)), {"ids": list(repaired)}).all())
    event = sa.table("issue_event", sa.column("issue_id", sa.Integer), sa.column("at", UTCDateTime),
                     sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
                     sa.column("from_status", sa.String), sa.column("to_status", sa.String),
                     sa.column("note", sa.String), sa.column("data", sa.JSON))
    now = datetime.now(timezone.utc)
    conn.execute(sa.insert(event), [
        {"issue_id": issue_id, "at": now, "actor_id": None, "action": "edit", "from_status": statuses[issue_id],
         "to_status": statuses[issue_id], "note": NOTE.format(labels="、".join(FIELDS[c][1] for c in columns)),
         "data": {"fields": [FIELDS[c][0] for c in columns], "repair": "blank"}}
        for issue_id, columns in sorted(repaired.items())])


def downgrade() -> None:
    # The blank values held nothing worth restoring.
    pass
