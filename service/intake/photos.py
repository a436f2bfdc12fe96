"""Photos sent with a public submission (网上反映): at most 3 JPG or PNG images, each checked
like a staff attachment (extension and first bytes agree, 10 MB at most), kept as attachments
of the new issue marked "pending". The office makes each one public or not; the public issue
page shows only the public ones (service.disclosure.photos)."""
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from models import Attachment, Issue, IssueEvent, User
from models.permissions import Permission
from service.core.errors import Conflict, NotFound
from service.identity import permissions as access
from service.workflow.attachments import MAX_SIZE, TYPES, clean_filename
from service.workflow.queries import get_visible

MAX_PHOTOS = 3
PHOTO_TYPES = ("jpg", "jpeg", "png")
PENDING, APPROVED, HIDDEN = "pending", "approved", "hidden"


@dataclass(frozen=True)
class Photo:
    name: str
    extension: str
    content_type: str
    data: bytes


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def check_photos(uploads: list[tuple[str | None, BinaryIO]]) -> tuple[list[Photo], str | None]:
    """The photos chosen on the form, checked, and the first problem (None when all are fine).
    A file input left empty is no photo."""
    photos: list[Photo] = []
    chosen = [(clean_filename(name), stream) for name, stream in uploads if name]
    if len(chosen) > MAX_PHOTOS:
        return [], f"最多上传 {MAX_PHOTOS} 张照片，您选了 {len(chosen)} 张"
    for name, stream in chosen:
        shown = name or "照片"
        extension = _extension(name)
        if extension not in PHOTO_TYPES:
            return [], f"“{shown}”不是照片：只能上传 JPG 或 PNG 图片"
        data = stream.read(MAX_SIZE + 1)
        if len(data) > MAX_SIZE:
            return [], f"“{shown}”超过 10 MB，请压缩后再上传"
        if not data:
            return [], f"“{shown}”是空文件，请重新选择"
        kind = TYPES[extension]
        if not kind.looks_right(data):
            return [], f"“{shown}”的内容不是 {kind.label}，请上传真实的照片"
        photos.append(Photo(name, extension, kind.content_type, data))
    return photos, None


def keep_photos(session: Session, issue: Issue, photos: list[Photo], now: datetime,
                storage_dir: str | Path) -> list[Path]:
    """Write the photos to the storage folder and add them to `issue` (flushed, not committed),
    each noted on the timeline. Returns the files written, for the caller to remove if the
    transaction fails."""
    folder = Path(storage_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for photo in photos:
            stored_name = f"{secrets.token_hex(16)}.{photo.extension}"
            path = folder / stored_name
            path.write_bytes(photo.data)
            written.append(path)
            attachment = Attachment(issue_id=issue.id, filename=photo.name, stored_name=stored_name,
                                    content_type=photo.content_type, size=len(photo.data), uploaded_at=now,
                                    public_status=PENDING)
            session.add(attachment)
            session.flush()
            session.add(IssueEvent(issue_id=issue.id, at=now, action="attach", from_status=issue.status,
                                   to_status=issue.status, note=photo.name,
                                   data={"attachment_id": attachment.id, "filename": photo.name,
                                         "size": len(photo.data), "from_public": True}))
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def review_photo(session: Session, actor: User, attachment_id: int, public: bool, now: datetime) -> Attachment:
    """The office makes a submitted photo public (公开) or not (不公开), on the timeline. Commits."""
    access.require(actor, Permission.SUBMISSION_PHOTOS)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("照片不存在或您无权查看", code="attachment_not_found")
    issue = get_visible(session, actor, attachment.issue_id)
    if attachment.public_status is None:
        raise Conflict("只有群众随反映上传的照片可以公开，工作人员上传的附件从不公开", code="not_a_public_photo")
    status = APPROVED if public else HIDDEN
    if attachment.public_status != status:
        attachment.public_status, attachment.reviewed_by_id, attachment.reviewed_at = status, actor.id, now
        session.add(attachment)
        session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action="photo_review",
                               from_status=issue.status, to_status=issue.status,
                               note=f"{'公开' if public else '不公开'}：{attachment.filename}",
                               data={"attachment_id": attachment.id, "public": public}))
    session.commit()
    return attachment
