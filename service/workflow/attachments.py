"""Files attached to an issue (附件): what may be uploaded, by whom, where it is kept, who reads it.

A file is accepted only when its extension is one of ours AND its first bytes say the same
(a renamed executable is refused). It is stored under a random name in the storage folder;
the name as uploaded is kept only for display and download.
"""
import io
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlmodel import Session

from models import Attachment, IssueEvent, Status, User
from models.permissions import Permission
from service.core.errors import NotFound, WrongState, require
from service.identity import permissions as access
from service.workflow.queries import get_visible

MAX_SIZE = 10 * 1024 * 1024
MB = 1024 * 1024


@dataclass(frozen=True)
class Quota:
    """How much one issue may hold (settings ATTACHMENTS_MAX_FILES, ATTACHMENTS_MAX_TOTAL_MB)."""
    files: int = 20
    total_bytes: int = 100 * MB
# States in which the file can still change the handling; afterwards the record is frozen.
FROZEN_STATES = frozenset({Status.CLOSED, Status.PUBLISHED, Status.REJECTED})

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office formats (.doc, .xls)


def _zip_with(member: str) -> Callable[[bytes], bool]:
    """An Office Open XML file: a zip archive holding `member`."""
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return "[Content_Types].xml" in names and member in names
    return check


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    looks_right: Callable[[bytes], bool]


TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", lambda d: d.startswith(b"%PDF-")),
    "jpg": FileType("JPG 图片", "image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "jpeg": FileType("JPG 图片", "image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "png": FileType("PNG 图片", "image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    "docx": FileType("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     _zip_with("word/document.xml")),
    "xlsx": FileType("Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     _zip_with("xl/workbook.xml")),
    "doc": FileType("Word 文档", "application/msword", lambda d: d.startswith(OLE2)),
    "xls": FileType("Excel 表格", "application/vnd.ms-excel", lambda d: d.startswith(OLE2)),
}
ALLOWED_TEXT = "PDF、JPG、PNG、Word（doc/docx）、Excel（xls/xlsx）"
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
# Bidirectional controls make a name lie about its type: `report\u202efdp.exe` shows as
# `reportexe.pdf`. Dropped wherever a name is taken (and by migration 0010 from the names
# stored before).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_filename(filename: str | None) -> str:
    """The uploaded name without folders, bidirectional controls or characters a file system or
    header would trip on."""
    name = unicodedata.normalize("NFC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = BIDI_CONTROLS.sub("", name)
    name = UNSAFE_NAME.sub("_", name).strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext) if dot and len(ext) <= 8 else name[:200]
    return name


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def add_attachment(session: Session, actor: User, issue_id: int, stream: BinaryIO, filename: str | None,
                   now: datetime, storage_dir: str | Path, quota: Quota = Quota()) -> Attachment:
    """Keep an uploaded file on the issue and note it on the timeline. Commits.

    Refused (nothing kept) when the actor may not see the issue, the issue is finished, the
    file is empty or over 10 MB, its type is not one we take, by extension or by content, or
    the issue's quota (files, total size) would be exceeded.
    """
    issue = get_visible(session, actor, issue_id)
    if not may_attach(issue.status, actor):
        raise WrongState("已办结、已公示或不予受理的问题不能再上传附件（已办结的问题仅县营商办可上传整改评估材料）")
    name = clean_filename(filename)
    require({"file": "请选择要上传的文件"} if not name else {})
    kind = TYPES.get(_extension(name))
    if kind is None:
        require({"file": f"不支持这种文件类型，只能上传 {ALLOWED_TEXT}"})
    data = stream.read(MAX_SIZE + 1)
    if len(data) > MAX_SIZE:
        require({"file": "文件超过 10 MB，请压缩或拆分后再上传"})
    if not data:
        require({"file": "文件是空的，请重新选择"})
    if not kind.looks_right(data):
        require({"file": f"文件内容与扩展名 .{_extension(name)} 不符，请上传真实的 {kind.label}"})
    _check_quota(session, issue.id, len(data), quota)

    folder = Path(storage_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{_extension(name)}"
    path = folder / stored_name
    path.write_bytes(data)
    attachment = Attachment(issue_id=issue.id, filename=name, stored_name=stored_name,
                            content_type=kind.content_type, size=len(data), uploaded_by_id=actor.id,
                            uploaded_at=now)
    try:
        session.add(attachment)
        session.flush()
        session.add(IssueEvent(issue_id=issue.id, at=now, actor_id=actor.id, action="attach",
                               from_status=issue.status, to_status=issue.status, note=name,
                               data={"attachment_id": attachment.id, "filename": name, "size": len(data)}))
        session.commit()
    except Exception:
        session.rollback()
        path.unlink(missing_ok=True)
        raise
    return attachment


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def _check_quota(session: Session, issue_id: int, size: int, quota: Quota) -> None:
    files, total = session.execute(select(func.count(), func.coalesce(func.sum(Attachment.size), 0))
                                   .where(Attachment.issue_id == issue_id)).one()
    if files >= quota.files:
        require({"file": f"每件问题最多 {quota.files} 个附件，本问题已有 {files} 个，不能再上传；"
                         "请把材料合并成一个文件"})
    if total + size > quota.total_bytes:
        require({"file": f"每件问题的附件合计不超过 {_megabytes(quota.total_bytes)} MB，本问题已有 "
                         f"{_megabytes(total)} MB，这个文件 {_megabytes(size)} MB 放不下；请压缩后再上传"})


def list_attachments(session: Session, actor: User, issue_id: int) -> list[Attachment]:
    get_visible(session, actor, issue_id)
    return attachments_of(session, issue_id)


def attachments_of(session: Session, issue_id: int) -> list[Attachment]:
    """The issue's files, oldest first (the caller has checked the reader may see the issue)."""
    return list(session.execute(select(Attachment).where(Attachment.issue_id == issue_id)
                                .order_by(Attachment.id)).scalars())


def may_attach(issue_status: str, actor: User) -> bool:
    """Files are added while the issue is worked on; to a closed one only as 整改评估's evidence."""
    if issue_status == Status.CLOSED and access.may(actor, Permission.EVALUATION_EVIDENCE):
        return True
    return issue_status not in FROZEN_STATES


# What a browser shows by itself, checked at upload against the file's first bytes: shown on
# the issue page (pictures) or opened in a tab (PDF) without downloading.
PREVIEWABLE = frozenset({"image/jpeg", "image/png", "application/pdf"})


def open_preview(session: Session, actor: User, attachment_id: int,
                 storage_dir: str | Path) -> tuple[Attachment, Path]:
    """`open_attachment` for a file a browser can show (a picture or a PDF); 404 for the others."""
    attachment, path = open_attachment(session, actor, attachment_id, storage_dir)
    if attachment.content_type not in PREVIEWABLE:
        raise NotFound("该类型的附件不能在线预览，请下载后查看", code="no_preview")
    return attachment, path


def open_attachment(session: Session, actor: User, attachment_id: int,
                    storage_dir: str | Path) -> tuple[Attachment, Path]:
    """The attachment and the path of its file, for someone who may see its issue; 404 otherwise."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("附件不存在或您无权查看", code="attachment_not_found")
    try:
        get_visible(session, actor, attachment.issue_id)
    except NotFound:
        raise NotFound("附件不存在或您无权查看", code="attachment_not_found") from None
    path = Path(storage_dir) / attachment.stored_name
    if not path.is_file():
        raise NotFound("附件文件已丢失，请联系系统管理员", code="attachment_missing")
    return attachment, path
