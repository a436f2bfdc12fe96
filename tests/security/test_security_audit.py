"""The audit trail (issue_event) is append-only: the application refuses to change or remove an
event, and the database refuses it too, even to raw SQL from the application's own role."""
import uuid

import psycopg
import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from models import AuditTrailImmutable, IssueEvent

from ..conftest import PG_ADMIN_URL

# Runs on both databases: it covers code that branches on the dialect (tests/core/test_dialects.py).
pytestmark = pytest.mark.both_db


@pytest.fixture
def event_id(api, db):
    issue = api.create_issue()
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator", json=api.assign_body())
    first = db.execute(select(IssueEvent.id).where(IssueEvent.issue_id == issue["id"])
                       .order_by(IssueEvent.id)).scalars().first()
    db.rollback()
    return first


def notes(db, event_id):
    db.rollback()
    return db.execute(text("SELECT note, action FROM issue_event WHERE id = :id"), {"id": event_id}).one()


def test_the_application_cannot_change_or_remove_an_event(db, event_id):
    before = notes(db, event_id)
    event = db.get(IssueEvent, event_id)
    event.note = "改写历史"
    with pytest.raises(AuditTrailImmutable):
        db.commit()
    db.rollback()
    with pytest.raises(AuditTrailImmutable):
        db.delete(db.get(IssueEvent, event_id))
        db.commit()
    db.rollback()
    with pytest.raises(AuditTrailImmutable):
        db.execute(update(IssueEvent).where(IssueEvent.id == event_id).values(note="x"))
    db.rollback()
    with pytest.raises(AuditTrailImmutable):
        db.execute(delete(IssueEvent).where(IssueEvent.id == event_id))
    assert notes(db, event_id) == before


def test_the_database_refuses_raw_sql_too(db, event_id):
    before = notes(db, event_id)
    for statement in ("UPDATE issue_event SET note = 'x' WHERE id = :id", "DELETE FROM issue_event WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement), {"id": event_id})
        db.rollback()
    assert notes(db, event_id) == before
    # adding events goes on as before
    assert db.execute(text("SELECT count(*) FROM issue_event")).scalar() >= 2


def test_on_postgresql_not_even_the_applications_role_gets_round_it(database_url, db, event_id):
    """The production set-up of docs/security.md: the app's role may only read and add events.
    Even given every table privilege, its raw UPDATE, DELETE and TRUNCATE are refused by the
    triggers, and it may not switch them off."""
    if not database_url.startswith("postgresql"):
        # SQLite has no roles: whoever opens the file is its owner; the triggers are what stands
        triggers = db.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND tbl_name = 'issue_event' ORDER BY name")).scalars().all()
        assert triggers == ["issue_event_no_delete", "issue_event_no_update"]
        return
    db.rollback()  # TRUNCATE below waits for every open transaction that read the table
    role = f"ys_app_{uuid.uuid4().hex[:8]}"
    dbname = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
    try:
        url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgres@", f"{role}@") + f"/{dbname}"
        with psycopg.connect(url, autocommit=True) as app_role:
            app_role.execute("SET lock_timeout = '10s'")
            for statement in (f"UPDATE issue_event SET note = 'x' WHERE id = {event_id}",
                              f"DELETE FROM issue_event WHERE id = {event_id}",
                              "TRUNCATE issue_event CASCADE", "TRUNCATE deadline_judgement",
                              "TRUNCATE meeting_change"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                    app_role.execute(statement)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app_role.execute("SET session_replication_role = replica")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app_role.execute("ALTER TABLE issue_event DISABLE TRIGGER issue_event_no_change")
    finally:
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')
    assert notes(db, event_id)[1] == "create"
