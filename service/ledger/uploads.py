"""A ledger file kept between its dry run and the real import (the console's two steps).

The file is written under the instance folder with a random name, next to a small JSON note
of whom it belongs to and until when. Only that user can import it, within UPLOAD_TTL; the
real import then reads exactly the bytes the dry run checked. Expired files are removed
whenever a new one is kept.
"""
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from service.core.errors import Invalid

UPLOAD_TTL = timedelta(hours=2)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


@dataclass(frozen=True)
class KeptUpload:
    token: str
    filename: str
    data: bytes


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    return folder / f"{token}.xlsx", folder / f"{token}.json"


def _gone() -> Invalid:
    message = "上传的文件已过期或不存在，请重新上传"
    return Invalid(message, {"file": message})


def purge_expired(folder: Path, now: datetime) -> int:
    removed = 0
    if not folder.is_dir():
        return 0
    for note in folder.glob("*.json"):
        try:
            expires = datetime.fromisoformat(json.loads(note.read_text())["expires"])
        except (OSError, ValueError, KeyError):
            expires = now
        if expires <= now:
            note.with_suffix(".xlsx").unlink(missing_ok=True)
            note.unlink(missing_ok=True)
            removed += 1
    return removed


def keep_upload(folder: Path, user_id: int, filename: str, data: bytes, now: datetime) -> str:
    """Keep the file for `user_id` and answer its token."""
    purge_expired(folder, now)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(18)
    path, note = _paths(folder, token)
    path.write_bytes(data)
    note.write_text(json.dumps({"user_id": user_id, "filename": filename,
                                "expires": (now + UPLOAD_TTL).isoformat()}, ensure_ascii=False))
    return token


def load_upload(folder: Path, token: str, user_id: int, now: datetime) -> KeptUpload:
    """The kept file, if it is `user_id`'s and has not expired; otherwise ask to upload again."""
    if not TOKEN_RE.match(token or ""):
        raise _gone()
    path, note = _paths(folder, token)
    try:
        meta = json.loads(note.read_text())
        data = path.read_bytes()
    except (OSError, ValueError):
        raise _gone() from None
    if meta.get("user_id") != user_id or datetime.fromisoformat(meta["expires"]) <= now:
        raise _gone()
    return KeptUpload(token, meta.get("filename") or "台账.xlsx", data)


def discard_upload(folder: Path, token: str) -> None:
    if TOKEN_RE.match(token or ""):
        for path in _paths(folder, token):
            path.unlink(missing_ok=True)
