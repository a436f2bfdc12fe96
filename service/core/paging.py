"""Keyset pagination: newest first by id (or by a time, then id), or soonest first by a date (then
id); an opaque cursor, every page the same cost."""
import base64
import binascii
import json
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlmodel import Session

from service.core.errors import Invalid

MAX_LIMIT = 200


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"i:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        last_id = int(value)
        if kind != "i" or not 0 < last_id <= 2**31:
            raise ValueError
        return last_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("分页游标无效，请从第一页重新查询", {"cursor": "无效的游标"}) from None


def page(session: Session, stmt: Select, id_column: Any, limit: int,
         cursor: str | None, *, ids_first: bool = False) -> tuple[list, str | None]:
    """One page of `stmt` (a select of one entity) and the cursor of the next, if any.

    `ids_first`: the page's ids are chosen by a subquery that carries nothing else, and only
    those rows are read whole. For a plan that gathers many matching rows and sorts them (a
    rare search term through the trigram index: thousands of rows for one page) the sort
    then moves ids instead of whole rows."""
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        stmt = stmt.where(id_column < decode_cursor(cursor))
    stmt = stmt.order_by(id_column.desc()).limit(limit + 1)
    if ids_first:
        entity = stmt.column_descriptions[0]["entity"]
        stmt = select(entity).where(entity.id.in_(stmt.with_only_columns(id_column))).order_by(entity.id.desc())
    rows = list(session.execute(stmt).scalars())
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def encode_time_cursor(moment: datetime, last_id: int) -> str:
    micros = int(moment.astimezone(timezone.utc).timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"t:{micros}:{last_id}".encode()).decode().rstrip("=")


def decode_time_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, micros, value = raw.split(":", 2)
        last_id, micros = int(value), int(micros)
        if kind != "t" or not 0 < last_id <= 2**31 or not 0 <= micros < 2**53:
            raise ValueError
        return datetime.fromtimestamp(micros / 1_000_000, timezone.utc), last_id
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise Invalid("分页游标无效，请从第一页重新查询", {"cursor": "无效的游标"}) from None


def page_by_time(session: Session, stmt: Select, time_column: Any, id_column: Any, limit: int,
                 cursor: str | None) -> tuple[list, str | None]:
    """One page of `stmt`, newest `time_column` first (then highest id), and the next cursor.
    Rows whose time is NULL are left out."""
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = stmt.where(time_column.is_not(None))
    if cursor:
        moment, last_id = decode_time_cursor(cursor)
        stmt = stmt.where(or_(time_column < moment, and_(time_column == moment, id_column < last_id)))
    rows = list(session.execute(stmt.order_by(time_column.desc(), id_column.desc()).limit(limit + 1)).scalars())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_time_cursor(getattr(last, time_column.key), last.id)


# A row without the date sorts after every dated one.
NO_DATE = date(9999, 12, 31)


def encode_date_cursor(day: date, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"d:{day.toordinal()}:{last_id}".encode()).decode().rstrip("=")


def decode_date_cursor(cursor: str) -> tuple[date, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, ordinal, value = raw.split(":", 2)
        last_id = int(value)
        if kind != "d" or not 0 < last_id <= 2**31:
            raise ValueError
        return date.fromordinal(int(ordinal)), last_id
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise Invalid("分页游标无效，请从第一页重新查询", {"cursor": "无效的游标"}) from None


def page_by_date(session: Session, stmt: Select, date_column: Any, id_column: Any, limit: int,
                 cursor: str | None) -> tuple[list, str | None]:
    """One page of `stmt`, the soonest `date_column` first (a row without one last), then the
    lowest id; and the next cursor."""
    limit = max(1, min(limit, MAX_LIMIT))
    day = func.coalesce(date_column, NO_DATE)
    if cursor:
        after, last_id = decode_date_cursor(cursor)
        stmt = stmt.where(or_(day > after, and_(day == after, id_column > last_id)))
    rows = list(session.execute(stmt.order_by(day, id_column).limit(limit + 1)).scalars())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_date_cursor(getattr(last, date_column.key) or NO_DATE, last.id)


# --- any sort key, either direction -------------------------------------------------------------

def encode_sort_cursor(sort: str, direction: str, value: Any, last_id: int) -> str:
    raw = json.dumps(["s", sort, direction, value, last_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_sort_cursor(cursor: str, sort: str, direction: str, kind: type) -> tuple[Any, int]:
    """The last row's key and id; a cursor made for another sort or direction is refused (the
    address was edited, or the sort changed while paging)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        tag, was_sort, was_direction, value, last_id = raw
        if (tag != "s" or was_sort != sort or was_direction != direction or not isinstance(value, kind)
                or isinstance(last_id, bool) or not isinstance(last_id, int) or not 0 < last_id <= 2**31):
            raise ValueError
        if kind is str and len(value) > 200:
            raise ValueError
        return value, last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise Invalid("分页游标无效，请从第一页重新查询", {"cursor": "无效的游标"}) from None


def page_sorted(session: Session, stmt: Select, key: Any, id_column: Any, limit: int, cursor: str | None, *,
                sort: str, direction: str, kind: type, value_of: Any, load: Any = None
                ) -> tuple[list, str | None]:
    """One page of `stmt` ordered by the never-NULL expression `key`, then by id, both ascending
    or both descending; the cursor carries the sort, the last row's key (`value_of(row)`, of
    type `kind`) and its id, so every page starts exactly where the last one ended."""
    limit = max(1, min(limit, MAX_LIMIT))
    descending = direction == "desc"
    if cursor:
        value, last_id = decode_sort_cursor(cursor, sort, direction, kind)
        if load is not None:
            try:
                value = load(value)
            except (ValueError, OverflowError):
                raise Invalid("分页游标无效，请从第一页重新查询", {"cursor": "无效的游标"}) from None
        if descending:
            stmt = stmt.where(or_(key < value, and_(key == value, id_column < last_id)))
        else:
            stmt = stmt.where(or_(key > value, and_(key == value, id_column > last_id)))
    order = (key.desc(), id_column.desc()) if descending else (key, id_column)
    rows = list(session.execute(stmt.order_by(*order).limit(limit + 1)).scalars())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_sort_cursor(sort, direction, value_of(last), last.id)
