"""Requests that are safe to retry: an optional `Idempotency-Key` header on a workflow step.

A worker killed after the commit but before its answer left, a dropped connection, a client's
own timeout: the step is done, the caller does not know, and its retry would meet 409 (the
state has moved on). With a key, the first answer is kept in the step's own transaction, so a
retry with the same key, by the same user, with the same request gets that answer again
(nothing is done twice), and the key with a different request is refused (422). Keys are the
caller's (a UUID is a good choice), per user, kept for KEEP_FOR.
"""
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import IdempotentRequest, User
from service.core.errors import Conflict, Invalid, require

KEEP_FOR = timedelta(hours=24)
MAX_KEY = 128
HEADER = "Idempotency-Key"


def check_key(value: str | None) -> str | None:
    """The header's key, or None without one; 422 naming the header for an unusable one."""
    if value is None:
        return None
    key = value.strip()
    if not key or len(key) > MAX_KEY or not all(33 <= ord(c) <= 126 for c in key):
        require({HEADER: f"须为 1-{MAX_KEY} 个可见 ASCII 字符（如一个 UUID）"})
    return key


def fingerprint(method: str, path: str, body) -> str:
    """What makes two requests the same request: method, path and the JSON body (key order and
    spacing aside)."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _stored(session: Session, actor: User, key: str, fingerprint: str, now: datetime) -> dict | None:
    row = session.execute(select(IdempotentRequest).where(
        IdempotentRequest.user_id == actor.id, IdempotentRequest.key == key,
        IdempotentRequest.created_at > now - KEEP_FOR)).scalars().first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Invalid(f"这个 {HEADER} 已用于另一个请求：重试时请原样重发，新的请求请换一个新键",
                      {HEADER: "已用于另一个请求"}, code="idempotency_key_reused")
    return row.answer


def once(session: Session, actor: User, key: str | None, fingerprint: str, now: datetime,
         run: Callable[[], dict]) -> tuple[dict, bool]:
    """(answer, replayed): `run()` takes the step without committing and makes its answer (as
    JSON-ready data); it is committed here together with the kept answer. With a key already answered for
    this user and request, the kept answer instead, and `run` is not called."""
    if key is None:
        answer = run()
        session.commit()
        return answer, False
    kept = _stored(session, actor, key, fingerprint, now)
    if kept is not None:
        return kept, True
    try:
        answer = run()
    except Conflict:
        # The same request sent twice at once: the other one took the step a moment ago, and
        # this one met the state it left; its kept answer is this one's too.
        session.rollback()
        kept = _stored(session, actor, key, fingerprint, now)
        if kept is None:
            raise
        return kept, True
    # the user's answers older than KEEP_FOR go (this key's earlier use among them, if any)
    session.execute(delete(IdempotentRequest).where(IdempotentRequest.user_id == actor.id,
                                                    IdempotentRequest.created_at <= now - KEEP_FOR))
    session.add(IdempotentRequest(user_id=actor.id, key=key, fingerprint=fingerprint, status=200,
                                  answer=answer, created_at=now))
    try:
        session.commit()
    except IntegrityError:
        # The same request sent twice at once, and both steps went through: the first kept
        # answer stands, this one's step is undone.
        session.rollback()
        kept = _stored(session, actor, key, fingerprint, now)
        if kept is None:
            raise
        return kept, True
    return answer, False

