"""The machine's limit: a minimal Flask app served exactly like the service, for comparison.

    .venv/bin/gunicorn -c gunicorn.conf.py 'bench.ceiling:create_app()'   (DATABASE_URL as for the app)

On a pooled connection from `service.core.db.make_engine` (the same pool and, on SQLite, the same
pragmas and BEGIN IMMEDIATE for writes): `POST /insert` adds one row to a small table, `GET
/row/<id>` reads one row by primary key, each one statement. `POST /issue` sends the four
statements a creation needs, written directly in SQLAlchemy Core with no validation, no ORM
and no serialisation: the bearer token's user, the next tracking code, the issue row and its
first event, in the real tables with all their indexes. It is the floor under
`POST /api/v1/issues`: what the database and the round trips cost before any of the service's
own work. `bench.load` measures them in the same run as the service, so the service's figures
read as shares of what the host, the database and gunicorn can do at all. `prepare(url)`
creates the table (bench.load calls it before gunicorn starts, so that workers never race to
create it).
"""
import os
from datetime import datetime, timezone

from flask import Flask, abort, jsonify, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, select
from sqlmodel import Session

from models import ApiToken, Issue, IssueEvent, User
from service.core.db import WRITE, make_engine
from service.deadlines.calendar import LOCAL_TZ
from service.identity.sessions import token_digest
from service.intake.codes import allocate

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
    engine = app.extensions["engine"] = make_engine(url or os.environ["DATABASE_URL"])

    @app.post("/insert")
    def add():
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            new_id = conn.execute(insert(ROWS).values(note="基准行", at=datetime.now(timezone.utc))
                                  .returning(ROWS.c.id)).scalar_one()
        return jsonify(id=new_id), 201

    @app.post("/issue")
    def add_issue():
        now, body = datetime.now(timezone.utc), request.get_json()
        token = request.headers.get("Authorization", "").partition(" ")[2]
        reporter, year = body.get("reporter") or {}, now.astimezone(LOCAL_TZ).year
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            user_id = conn.execute(select(User.id).join(ApiToken, ApiToken.user_id == User.id).where(
                ApiToken.token_hash == token_digest(token), ApiToken.expires_at > now)).scalar()
            if user_id is None:
                abort(401)
            # the code as the service allocates it (one statement on PostgreSQL, two on SQLite)
            seq, code = allocate(Session(bind=conn), year)
            issue_id = conn.execute(insert(Issue.__table__).values(
                code=code, year=year, seq=seq, title=body["title"], content=body["content"],
                type=body["type"], channel=body["channel"], township=body.get("township"),
                reporter_name=reporter.get("name"), reporter_org=reporter.get("org"),
                reporter_phone=reporter.get("phone"), status="collected", reporter_kind="enterprise",
                reporter_consent_public=False, answered_on_spot=False, reopen_count=0, extension_count=0,
                disclosure="pending", created_by_id=user_id, created_at=now, updated_at=now, version=1,
            ).returning(Issue.__table__.c.id)).scalar_one()
            conn.execute(insert(IssueEvent.__table__).values(
                issue_id=issue_id, at=now, actor_id=user_id, action="create", to_status="collected",
                data={"channel": body["channel"]}))
        return jsonify(id=issue_id, code=code), 201

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
