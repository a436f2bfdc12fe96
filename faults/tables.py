"""What the fault runs compare before and after a refused request: each table's rows, as a hash
per table.

A table is read again only when the database may have changed since the last look: on SQLite
a connection kept open reads `PRAGMA data_version`, which moves with every commit made by any
other connection; on PostgreSQL the server hashes every table in one statement."""
import hashlib

from sqlalchemy import select

from models import metadata

# engine → the connection that watches SQLite's data_version, and the digest read at each version
_WATCHES: dict = {}


def digest(engine, names=None) -> dict[str, str]:
    """The hash of each table's rows (of the tables `names`, or of every table)."""
    names = None if names is None else frozenset(names)
    tables = [t for t in metadata.sorted_tables if names is None or t.name in names]
    if engine.dialect.name == "postgresql":
        return _server_digest(engine, tables)
    watch = _WATCHES.get(engine)
    if watch is None:
        watch = _WATCHES[engine] = {"conn": engine.raw_connection(), "seen": {}}
    cursor = watch["conn"].cursor()
    version = cursor.execute("PRAGMA data_version").fetchone()[0]
    cursor.close()
    if watch["seen"].get(names, (None,))[0] != version:
        watch["seen"][names] = (version, _row_digest(engine, tables))
    return dict(watch["seen"][names][1])


def _row_digest(engine, tables) -> dict[str, str]:
    out = {}
    with engine.connect() as conn:
        for table in tables:
            order = list(table.primary_key.columns) or list(table.columns)
            h = hashlib.sha256()
            for row in conn.execute(select(table).order_by(*order)):
                h.update(repr(tuple(row)).encode())
            out[table.name] = h.hexdigest()
    return out


def _server_digest(engine, tables) -> dict[str, str]:
    parts = []
    for table in tables:
        order = ", ".join(f't."{c.name}"' for c in table.primary_key.columns) or "t::text"
        parts.append(f"SELECT '{table.name}', md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) "
                     f'FROM "{table.name}" AS t')
    with engine.connect() as conn:
        return dict(conn.exec_driver_sql(" UNION ALL ".join(parts)).all())
