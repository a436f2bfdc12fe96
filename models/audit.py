"""The audit trail (`issue_event`, with the deadline judgements, 整改评估 and meeting corrections
recorded beside it) is append-only (OWASP ASVS 5.0 V16.4.2): the application
refuses to change or remove a row, whether through a loaded object or a bulk statement.
Migration 0005 adds database triggers that refuse the same to any SQL, raw or not."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from .issue import DeadlineJudgement, Evaluation, IssueEvent
from .meeting import MeetingChange

IMMUTABLE = (IssueEvent, DeadlineJudgement, Evaluation, MeetingChange)


class AuditTrailImmutable(RuntimeError):
    """An attempt to change or remove an audit event."""


def _refuse(mapper, connection, target):
    raise AuditTrailImmutable(f"{type(target).__name__} {target.id} is an audit record: "
                              "it may be added, never changed or removed")


for _model in IMMUTABLE:
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state):
    if (state.is_update or state.is_delete) and any(
            m.class_ in IMMUTABLE for m in state.all_mappers):
        raise AuditTrailImmutable("audit records may be added, never changed or removed")
