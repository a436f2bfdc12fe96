"""The Idempotency-Key's race, forced: the twin request finishes while this one runs, and this
one then meets the state the twin left."""
from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from models import IdempotentRequest, User
from service.core.errors import Conflict
from service.core.idempotency import fingerprint, once

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)
BODY = fingerprint("POST", "/api/v1/issues/1/actions/progress", {"note": "已现场勘察"})


def _twin_keeps(engine, user_id: int, key: str, answer: dict) -> None:
    """The twin request: its step is done and its answer kept, in its own transaction."""
    with Session(engine) as twin:
        twin.add(IdempotentRequest(user_id=user_id, key=key, fingerprint=BODY, status=200, answer=answer,
                                   created_at=NOW))
        twin.commit()


def test_a_request_that_meets_the_state_its_twin_left_gets_the_twin_s_answer(engine, county):
    with Session(engine, expire_on_commit=False) as session:
        actor = session.get(User, county.users["fgj"].id)

        def run():
            _twin_keeps(engine, actor.id, "same-moment-1", {"version": 5, "by": "twin"})
            raise Conflict("问题当前为“办理中”，不能重复操作", code="wrong_state")

        assert once(session, actor, "same-moment-1", BODY, NOW, run) == ({"version": 5, "by": "twin"}, True)


def test_a_conflict_without_a_twin_is_the_caller_s_conflict(engine, county):
    with Session(engine, expire_on_commit=False) as session:
        actor = session.get(User, county.users["fgj"].id)

        def run():
            raise Conflict("问题当前为“已办结”，不能办理进展", code="wrong_state")

        with pytest.raises(Conflict) as refused:
            once(session, actor, "alone", BODY, NOW, run)
        assert refused.value.code == "wrong_state"
