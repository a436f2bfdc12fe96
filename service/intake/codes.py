"""Tracking codes (YS2026-000123): unique per year, allocated race-free.

SQLite (one writer at a time anyway) counts on the year's `code_counter` row, locked until the
caller commits. PostgreSQL takes the number from a SEQUENCE per year (`issue_code_seq_2026`),
so concurrent creations do not queue behind one another's transactions; its `code_counter` row
is then no running count but marks that the year's sequence is set up, and holds a floor
(raised by `ensure_above`) from which the sequence is made again should it be missing.
"""
from sqlalchemy import text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import CodeCounter
from service.core.issue_codes import PREFIX

# pg_advisory_xact_lock(LOCK_CLASS, year) serialises setting up one year's sequence. The
# two-int key space is apart from the one-bigint keys used elsewhere (service.core.scheduler_lock, meetings).
LOCK_CLASS = 0x5953


def format_code(year: int, seq: int) -> str:
    return f"{PREFIX}{year}-{seq:06d}"


def sequence_name(year: int) -> str:
    return f"issue_code_seq_{int(year)}"


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def allocate(session: Session, year: int) -> tuple[int, str]:
    """The next number of `year`, inside the caller's transaction.

    On PostgreSQL the number comes from the year's sequence: `nextval` holds no lock, so
    concurrent creations proceed side by side, and a sequence never hands out a number twice.
    A number whose creation is rolled back is not handed out again: a rolled-back (or failed)
    creation leaves a gap, never a duplicate. Only the year's first creation (which sets the
    sequence up) holds a lock, an advisory one, until it commits.

    On SQLite the year's counter row's lock is held until the caller commits, so two
    concurrent creations can never receive the same number; a rollback also rolls the counter
    back, so there gaps arise only from numbers deleted later.
    """
    if _postgresql(session):
        seq = _next_value(session, year)
        if seq is None:
            _set_up(session, year)
            seq = _next_value(session, year)
        return seq, format_code(year, seq)
    session.execute(sqlite.insert(CodeCounter).values(year=year, last=0)
                    .on_conflict_do_nothing(index_elements=["year"]))
    seq = session.execute(
        update(CodeCounter).where(CodeCounter.year == year)
        .values(last=CodeCounter.last + 1).returning(CodeCounter.last)
    ).scalar_one()
    return seq, format_code(year, seq)


def ensure_above(session: Session, year: int, seq: int) -> None:
    """Make every number of `year` handed out from now on greater than `seq` (for codes
    written as they stand, such as a ledger's imported ones), inside the caller's transaction.

    On PostgreSQL, when the sequence is below `seq`, it is raised under a lock on the sequence
    that stops concurrent `nextval`s until the caller commits or rolls back (and the raise is
    undone with a rollback), so no creation can slip a number in between the check and the
    raise. The year's counter row is raised on both backends.
    """
    year, seq = int(year), int(seq)
    dialect = postgresql if _postgresql(session) else sqlite
    if dialect is postgresql and not _ready(session, year):
        _set_up(session, year)
    session.execute(dialect.insert(CodeCounter).values(year=year, last=0)
                    .on_conflict_do_nothing(index_elements=["year"]))
    session.execute(update(CodeCounter).where(CodeCounter.year == year, CodeCounter.last < seq)
                    .values(last=seq))
    if dialect is postgresql and _last_given(session, year) < seq:
        name = sequence_name(year)
        # ALTER SEQUENCE takes a lock that conflicts with nextval's, held until the end of
        # the transaction; the option named is the default one, so nothing else changes.
        session.execute(text(f"ALTER SEQUENCE {name} NO CYCLE"))
        if _last_given(session, year) < seq:
            session.execute(text(f"SELECT setval('{name}', :seq, true)"), {"seq": seq})


# --- PostgreSQL: the year's sequence --------------------------------------------------------

def _next_value(session: Session, year: int) -> int | None:
    """nextval of the year's sequence, or None while it is not set up: either no counter
    row (a new year, or the rows were emptied) or no sequence (a database from before the
    sequences). One statement: the cast to regclass is made only when the sequence exists."""
    name = sequence_name(year)
    # 'name'::text is resolved when nextval runs (late binding), not when the statement is
    # planned, so the CASE keeps a missing sequence from raising an error.
    return session.execute(text(
        f"SELECT CASE WHEN to_regclass('{name}') IS NOT NULL THEN nextval('{name}'::text) END "
        "FROM code_counter WHERE year = :year"), {"year": year}).scalar_one_or_none()


def _ready(session: Session, year: int) -> bool:
    return session.execute(text(
        f"SELECT to_regclass('{sequence_name(year)}') IS NOT NULL FROM code_counter WHERE year = :year"),
        {"year": year}).scalar_one_or_none() is True


def _last_given(session: Session, year: int) -> int:
    """The highest number the year's sequence has handed out (or been set to)."""
    return session.execute(text(
        f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence_name(year)}")
    ).scalar_one()


def _set_up(session: Session, year: int) -> None:
    """Create the year's sequence if missing and start it after every number already in use,
    race-free: under an advisory lock (held until the caller's transaction ends, so a second
    creation waits and then finds the first's committed sequence), in a SAVEPOINT.

    The start is the greatest of the counter row's `last` (the pre-sequence count, or a floor
    raised by `ensure_above`) and of the highest number among the year's issues with a
    tracking code (other codes, such as the benchmark's BN…, do not take part). A sequence
    found without its counter row (the rows were emptied) is set back to that start too:
    without the row no creation can be using the sequence, since the fast path needs both.
    """
    name = sequence_name(year)
    with session.begin_nested():
        session.execute(text("SELECT pg_advisory_xact_lock(:cls, :year)"),
                        {"cls": LOCK_CLASS, "year": year})
        if _ready(session, year):
            return  # set up by a concurrent creation that has committed meanwhile
        session.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name} AS bigint MINVALUE 1"))
        start = session.execute(text(
            "SELECT greatest((SELECT last FROM code_counter WHERE year = :year),"
            " (SELECT max(seq) FROM issue WHERE year = :year AND code LIKE :pattern), 0)"),
            {"year": year, "pattern": f"{PREFIX}{year}-%"}).scalar_one()
        session.execute(text(f"SELECT setval('{name}', :start, :called)"),
                        {"start": max(start, 1), "called": start > 0})
        session.execute(postgresql.insert(CodeCounter).values(year=year, last=start)
                        .on_conflict_do_nothing(index_elements=["year"]))
