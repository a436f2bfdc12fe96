"""Tracking codes (YS2026-000123): unique per year, allocated race-free."""
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models import CodeCounter

PREFIX = "YS"


def format_code(year: int, seq: int) -> str:
    return f"{PREFIX}{year}-{seq:06d}"


def allocate(session: Session, year: int) -> tuple[int, str]:
    """The next number of `year`, inside the caller's transaction.

    The counter row's lock is held until the caller commits, so two concurrent creations
    can never receive the same number; a rolled-back creation leaves a gap, never a duplicate.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(CodeCounter).values(year=year, last=0)
                    .on_conflict_do_nothing(index_elements=["year"]))
    seq = session.execute(
        update(CodeCounter).where(CodeCounter.year == year)
        .values(last=CodeCounter.last + 1).returning(CodeCounter.last)
    ).scalar_one()
    return seq, format_code(year, seq)
