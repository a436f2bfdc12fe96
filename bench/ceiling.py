"""The machine's limit: a minimal Flask app served exactly like the service, for comparison.

    .venv/bin/gunicorn -c gunicorn.conf.py 'bench.ceiling:create_app()'   (DATABASE_URL as for the app)

Two endpoints, each one statement on a pooled connection from `service.db.make_engine` (the
same pool and, on SQLite, the same pragmas and BEGIN IMMEDIATE for writes): `POST /insert`
adds one row to a small table, `GET /row/<id>` reads one row by primary key. `bench.load`
measures them in the same run as the service, so the service's figures read as shares of what
the host, the database and gunicorn can do at all. `prepare(url)` creates the table (bench.load
calls it before gunicorn starts, so that workers never race to create it).
"""
import os
from datetime import datetime, timezone

from flask import Flask, abort, jsonify
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, select

from service.db import WRITE, make_engine

metadata = MetaData()
ROWS = Table("bench_ceiling", metadata,
             Column("id", Integer, primary_key=True),
             Column("note", String(200), nullable=False),
             Column("at", DateTime(timezone=True), nullable=False))


def prepare(url: str, rows: int = 1000) -> None:
    """Create the table with at least `rows` rows, ids 1..rows, for `GET /row/<id>`."""
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(ROWS)).scalar_one()
        if have < rows:
            conn.execute(insert(ROWS), [{"note": "基准行", "at": datetime.now(timezone.utc)}
                                        for _ in range(rows - have)])
    engine.dispose()


def create_app(url: str | None = None) -> Flask:
    app = Flask(__name__)
    engine = make_engine(url or os.environ["DATABASE_URL"])

    @app.post("/insert")
    def add():
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            new_id = conn.execute(insert(ROWS).values(note="基准行", at=datetime.now(timezone.utc))
                                  .returning(ROWS.c.id)).scalar_one()
        return jsonify(id=new_id), 201

    @app.get("/row/<int:row_id>")
    def row(row_id: int):
        with engine.connect() as conn:
            found = conn.execute(select(ROWS).where(ROWS.c.id == row_id)).first()
        if found is None:
            abort(404)
        return jsonify(id=found.id, note=found.note, at=found.at.isoformat())

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
