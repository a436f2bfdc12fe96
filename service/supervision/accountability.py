"""问责: the supervision office's accountability records — 约谈, 通报批评, 移交纪检监察机关 — each
naming a department, the issues it concerns, the decision document (文号, date, an optional
PDF kept like an issue's attachment). They are listed on the department's 成绩单 and cost it
points in the 擂台赛 (service.assessment.contest). A department reads its own records only:
another's is answered as if it did not exist.
"""
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select, update
from sqlmodel import Session

from models import ACCOUNTABILITY_KIND_LABELS, AccountabilityKind, AccountabilityRecord, Department, Issue, Role, User
from models.permissions import Permission
from service.assessment.periods import Period
from service.core.errors import Conflict, NotFound, require
from service.deadlines.calendar import local_date
from service.identity import permissions as access
from service.workflow.attachments import MAX_SIZE, TYPES, clean_filename

DOCUMENT_NO_MAX = 64
NOTE_MAX = 2000
MAX_ISSUES = 50
FIRST_DAY = date(2000, 1, 1)
PDF = TYPES["pdf"]


@dataclass
class RecordRow:
    record: AccountabilityRecord
    department: str
    issue_codes: list[str]

    @property
    def kind_label(self) -> str:
        return ACCOUNTABILITY_KIND_LABELS.get(self.record.kind, self.record.kind)


def _own_scope(actor: User | None) -> int | None:
    """The department a department user is limited to (None: every department)."""
    return actor.department_id if actor is not None and actor.role == Role.DEPARTMENT else None


def _issue_ids(session: Session, codes: list[str]) -> tuple[list[int], dict[str, str]]:
    codes = list(dict.fromkeys(c.strip().upper() for c in codes if c and c.strip()))
    if not codes:
        return [], {"issue_codes": "请填写至少一件相关问题的编号"}
    if len(codes) > MAX_ISSUES:
        return [], {"issue_codes": f"相关问题最多{MAX_ISSUES}件（现{len(codes)}件）"}
    found = dict(session.execute(select(Issue.code, Issue.id).where(Issue.code.in_(codes))).all())
    if missing := [c for c in codes if c not in found]:
        return [], {"issue_codes": f"没有编号为 {'、'.join(missing[:5])} 的问题"}
    return [found[c] for c in codes], {}


def _document(stream: BinaryIO | None, filename: str | None) -> tuple[bytes | None, str | None, dict[str, str]]:
    """The decision document if one was given: a PDF by its name and its first bytes, ≤ 10 MB."""
    if stream is None:
        return None, None, {}
    name = clean_filename(filename)
    data = stream.read(MAX_SIZE + 1)
    if not name and not data:  # the form's file field left empty
        return None, None, {}
    if not name.lower().endswith(".pdf"):
        return None, None, {"document": "决定文书只能上传 PDF 文件"}
    if len(data) > MAX_SIZE:
        return None, None, {"document": "文件超过 10 MB，请压缩后再上传"}
    if not data:
        return None, None, {"document": "文件是空的，请重新选择"}
    if not PDF.looks_right(data):
        return None, None, {"document": "文件内容不是 PDF，请上传真实的 PDF 文件"}
    return data, name, {}


def _write(data: bytes, storage_dir: str | Path | None) -> Path:
    """Write the document under a random name; the record notes it in the caller's transaction."""
    if storage_dir is None:
        raise ValueError("a decision document needs the folder it is kept in")
    folder = Path(storage_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.pdf"
    path.write_bytes(data)
    return path


def attach_document(session: Session, actor: User | None, record_id: int, document: BinaryIO | None,
                    document_name: str | None, storage_dir: str | Path) -> AccountabilityRecord:
    """The decision document of a record entered without one (县委督查办). A record's document
    is never replaced: a second one is refused (409). Commits."""
    access.require(actor, Permission.ACCOUNTABILITY_WRITE)
    found = session.get(AccountabilityRecord, record_id)
    if found is None:
        raise NotFound("问责记录不存在", code="record_not_found")
    data, name, bad = _document(document, document_name)
    if data is None and not bad:
        bad = {"document": "请选择决定文书（PDF）"}
    require(bad)
    path = _write(data, storage_dir)
    try:
        # written only while the record has none: two uploads at once keep the first
        done = session.execute(update(AccountabilityRecord).where(
            AccountabilityRecord.id == found.id, AccountabilityRecord.document_stored_name.is_(None),
        ).values(document_stored_name=path.name, document_filename=name, document_size=len(data)))
        if done.rowcount != 1:
            raise Conflict("这条问责记录已有决定文书，不能替换", {"document": "已有决定文书，不能替换"},
                           code="document_exists")
        session.commit()
    except Exception:
        session.rollback()
        path.unlink(missing_ok=True)
        raise
    session.refresh(found)
    return found


def add_record(session: Session, actor: User | None, *, kind: str | None, department_id: int | None,
               issue_codes: list[str], document_no: str | None, decided_on: date | None, note: str | None,
               now: datetime, storage_dir: str | Path | None = None, document: BinaryIO | None = None,
               document_name: str | None = None) -> AccountabilityRecord:
    """Enter a record (县委督查办). Refused, nothing kept, naming each field at fault. Commits."""
    access.require(actor, Permission.ACCOUNTABILITY_WRITE)
    problems: dict[str, str] = {}
    if kind not in set(AccountabilityKind):
        problems["kind"] = "请选择问责方式（约谈、通报批评、移交纪检监察机关）"
    dept = session.get(Department, department_id) if department_id is not None else None
    if dept is None:
        problems["department_id"] = "请选择被问责的部门"
    ids, bad = _issue_ids(session, issue_codes or [])
    problems.update(bad)
    if ids and dept is not None:
        leads = dict(session.execute(select(Issue.code, Issue.lead_department_id).where(Issue.id.in_(ids))).all())
        if others := [c for c, d in leads.items() if d != dept.id]:
            problems["issue_codes"] = f"问题 {'、'.join(others[:5])} 不由{dept.name}主办"
    document_no = (document_no or "").strip()
    if not document_no:
        problems["document_no"] = "请填写决定文号"
    elif len(document_no) > DOCUMENT_NO_MAX:
        problems["document_no"] = f"决定文号不能超过{DOCUMENT_NO_MAX}字（现{len(document_no)}字）"
    if decided_on is None:
        problems["decided_on"] = "请填写决定日期"
    elif decided_on > local_date(now):
        problems["decided_on"] = "决定日期不能晚于今天"
    elif decided_on < FIRST_DAY:
        problems["decided_on"] = f"决定日期不能早于{FIRST_DAY.isoformat()}"
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        problems["note"] = f"备注不能超过{NOTE_MAX}字（现{len(note)}字）"
    data, name, bad = _document(document, document_name)
    problems.update(bad)
    require(problems)
    record = AccountabilityRecord(kind=kind, department_id=dept.id, issue_ids=ids, document_no=document_no,
                                  decided_on=decided_on, note=note, created_by_id=actor.id if actor else None,
                                  created_at=now)
    path = None
    if data is not None:
        path = _write(data, storage_dir)
        record.document_stored_name, record.document_filename, record.document_size = path.name, name, len(data)
    try:
        session.add(record)
        session.commit()
    except Exception:
        session.rollback()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return record


def _rows(session: Session, records: list[AccountabilityRecord]) -> list[RecordRow]:
    names = dict(session.execute(select(Department.id, Department.name).where(
        Department.id.in_({r.department_id for r in records}))).all()) if records else {}
    ids = {i for r in records for i in r.issue_ids}
    codes = dict(session.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids))).all()) if ids else {}
    return [RecordRow(r, names.get(r.department_id, ""), [codes[i] for i in r.issue_ids if i in codes])
            for r in records]


def records(session: Session, actor: User | None, department_id: int | None = None,
            period: Period | None = None) -> list[RecordRow]:
    """The records the actor may read, newest decision first; a department user gets its own."""
    access.require(actor, Permission.ACCOUNTABILITY_READ)
    own = _own_scope(actor)
    if own is not None or (actor is not None and actor.role == Role.DEPARTMENT):
        if department_id is not None and department_id != own:
            raise NotFound("没有找到这个单位的问责记录")
        department_id = own if own is not None else -1
    stmt = select(AccountabilityRecord)
    if department_id is not None:
        stmt = stmt.where(AccountabilityRecord.department_id == department_id)
    if period is not None:
        stmt = stmt.where(AccountabilityRecord.decided_on >= period.start,
                          AccountabilityRecord.decided_on <= period.end)
    found = list(session.execute(stmt.order_by(AccountabilityRecord.decided_on.desc(),
                                               AccountabilityRecord.id.desc())).scalars())
    return _rows(session, found)


def record(session: Session, actor: User | None, record_id: int) -> RecordRow:
    """One record; another department's is answered as if it did not exist."""
    access.require(actor, Permission.ACCOUNTABILITY_READ)
    found = session.get(AccountabilityRecord, record_id)
    own = _own_scope(actor)
    if found is None or (actor is not None and actor.role == Role.DEPARTMENT and found.department_id != own):
        raise NotFound("问责记录不存在或您无权查看", code="record_not_found")
    return _rows(session, [found])[0]


def open_document(session: Session, actor: User | None, record_id: int,
                  storage_dir: str | Path) -> tuple[AccountabilityRecord, Path]:
    row = record(session, actor, record_id)
    if not row.record.document_stored_name:
        raise NotFound("这条问责记录没有上传决定文书", code="document_not_found")
    path = Path(storage_dir) / row.record.document_stored_name
    if not path.is_file():
        raise NotFound("决定文书文件已丢失，请联系系统管理员", code="document_missing")
    return row.record, path


def departments(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(select(Department.id, Department.name)
                                                 .where(Department.active.is_(True)).order_by(Department.id)).all()]
