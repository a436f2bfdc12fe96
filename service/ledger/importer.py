"""Importing an existing ledger (问题台账导入), with a dry run that shows exactly what would happen.

The rule: all or nothing. Every row is checked first; if any row is refused, nothing is
written and the report says which rows and why, so the office fixes the file and imports it
again. A file without refusals is written in one transaction. The dry run takes the same path
and stops before writing, so its report is the real import's report.

Imported issues keep their code, status, deadlines and dates: they are records of work done
elsewhere, not new work, so they are created as they stand rather than walked through
`service.workflow.transition()`, and no SMS is queued for them. Each gets one timeline event
("import", 由台账导入) saying who imported it and when. The per-year numbering (the counter, or
on PostgreSQL the year's sequence) is raised above the highest imported number, so codes handed
out afterwards never collide.
"""
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from openpyxl import load_workbook
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import (
    DeadlineJudgement,
    Department,
    Escalation,
    Issue,
    IssueCoDepartment,
    IssueEvent,
    Meeting,
    Role,
    Status,
    User,
)
from models.permissions import Permission
from service.core.errors import Conflict, Invalid
from service.core.masking import is_blank
from service.deadlines.calendar import LOCAL_TZ, local_date
from service.deadlines.rules import nearest_open_deadline
from service.identity import permissions as access
from service.intake.codes import PREFIX, allocate, ensure_above, format_code
from service.ledger.columns import BY_KEY, BY_TITLE, COLUMNS, LEDGER_MARK, MASKED_MARK, NO, VOCABULARIES, YES

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_ROWS = 20000
HEADER_SEARCH_ROWS = 10
CODE_PATTERN = re.compile(rf"^{PREFIX}([0-9]{{4}})-([0-9]{{6}})$")
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
DATETIME_PATTERNS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")
# Statuses reached only through assignment, or by an answer on the spot (then without a
# department): an issue in one of them that was not answered on the spot needs a lead department.
ASSIGNED_STATUSES = frozenset(Status) - {Status.COLLECTED, Status.REJECTED}
WILL_CREATE, CREATED = "将新建", "已新建"
EVENT_NOTE = "由台账导入"


@dataclass
class RowOutcome:
    row: int                 # the row number as Excel shows it
    code: str | None
    title: str | None
    ok: bool
    message: str             # 将新建 / 已新建, or the reasons for refusing

    def as_dict(self) -> dict:
        return {"row": self.row, "code": self.code, "title": self.title, "ok": self.ok,
                "message": self.message}


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    created: int = 0

    @property
    def refused(self) -> list[RowOutcome]:
        return [r for r in self.rows if not r.ok]

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def summary(self) -> str:
        total, refused = len(self.rows), len(self.refused)
        if refused:
            return (f"共 {total} 行，其中 {refused} 行不能导入：整个文件未导入，"
                    f"请改正后重新导入。")
        if self.dry_run:
            return f"共 {total} 行，均可导入：确认后将新建 {total} 件问题。"
        return f"共 {total} 行，已新建 {self.created} 件问题。"

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "total": len(self.rows), "accepted": self.accepted,
                "refused": len(self.refused), "created": self.created, "summary": self.summary,
                "rows": [r.as_dict() for r in self.rows]}


class _Refused(Exception):
    pass


def _file_error(message: str) -> Invalid:
    return Invalid(message, {"file": message})


# --- reading the workbook ---------------------------------------------------------------------

@dataclass
class _Sheet:
    header_row: int
    columns: dict[int, str]          # position → column key
    rows: Iterable[tuple[int, tuple]]
    total: int                       # data rows, at most (blank ones included)


# What openpyxl raises for a file that is not a well-formed workbook: a broken zip, missing
# parts, XML that does not parse (ParseError is a SyntaxError), or XML that declares entities or
# a DTD, which defusedxml refuses (its errors are ValueErrors): an XXE or "billion laughs" file.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
              AttributeError, OSError, SyntaxError)


def _unreadable(exc: Exception) -> Invalid:
    return _file_error(f"无法读取这个 Excel 文件（{type(exc).__name__}），"
                       "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")


def _open(data: bytes) -> Any:
    if not data:
        raise _file_error("文件是空的")
    if len(data) > MAX_FILE_SIZE:
        raise _file_error("文件超过 10 MB，请拆分后分批导入")
    if not data.startswith(b"PK\x03\x04"):
        raise _file_error("不是 Excel（.xlsx）文件；旧版 .xls 请先另存为 .xlsx")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise _unreadable(exc) from None


def _read(rows: Iterator[tuple]) -> Iterator[tuple]:
    """A sheet's rows as openpyxl parses them, one by one: XML that breaks half way is refused
    like a file that cannot be opened."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except UNREADABLE as exc:
            raise _unreadable(exc) from None
        yield row


def _clean_title(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _part_targets(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A package part's relationships (id → the target's path in the archive)."""
    folder, _, name = part.rpartition("/")
    rels = DefusedET.fromstring(archive.read(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"))
    return {r.get("Id"): _part_path(folder, r.get("Target")) for r in rels.iter(f"{{{_PACKAGE_RELS}}}Relationship")}


def _part_path(folder: str, target: str) -> str:
    """A relationship's target as a path in the archive: "/x" from the package's root, "x"
    from the folder of the part that names it."""
    return posixpath.normpath(target[1:] if target.startswith("/") else posixpath.join(folder, target))


def _count_rows(data: bytes) -> int:
    """The rows of the first sheet of a file whose sheet states no size (a streamed export
    writes none): its <row> elements counted in the raw XML, for the progress bar only. The
    sheet's part is found as the Office Open XML package names it (the package's workbook,
    the workbook's first <sheet>, that sheet's relationship)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = DefusedET.fromstring(archive.read("_rels/.rels"))
            workbook = next(_part_path("", r.get("Target")) for r in root.iter(f"{{{_PACKAGE_RELS}}}Relationship")
                            if r.get("Type", "").endswith("/officeDocument"))
            sheet = DefusedET.fromstring(archive.read(workbook)).find(f"{{{_SHEET_MAIN}}}sheets/{{{_SHEET_MAIN}}}sheet")
            path = _part_targets(archive, workbook)[sheet.get(f"{{{_OFFICE_RELS}}}id")]
            with archive.open(path) as xml:
                count, tail = 0, b""
                while chunk := xml.read(1 << 20):
                    count += (tail + chunk).count(b"<row ")
                    tail = chunk[-4:]
                return count
    except (*UNREADABLE, StopIteration, DefusedET.ParseError, DefusedXmlException):
        return 0


def _read_sheet(wb: Any, data: bytes) -> _Sheet:
    keywords = (wb.properties.keywords or "").split()
    if LEDGER_MARK in keywords and MASKED_MARK in keywords:
        raise _file_error("这是脱敏导出的台账（反映人信息已隐去），不能导入；请用未脱敏的台账")
    ws = wb.worksheets[0]
    rows = _read(ws.iter_rows(values_only=True))
    for number, values in enumerate(rows, start=1):
        titles = [_clean_title(v) for v in values]
        if "问题标题" in titles and "编号" in titles:
            columns = {}
            for position, title in enumerate(titles):
                column = BY_TITLE.get(title)
                if column is not None and column.imported:
                    if column.key in columns.values():
                        raise _file_error(f"表头“{title}”出现了两次")
                    columns[position] = column.key
            missing = [c.title for c in COLUMNS if c.required and c.key not in columns.values()]
            if missing:
                raise _file_error("缺少必需的列：" + "、".join(missing))
            last = ws.max_row or _count_rows(data)
            return _Sheet(number, columns, enumerate(rows, start=number + 1), max(last - number, 0))
        if number >= HEADER_SEARCH_ROWS:
            break
    raise _file_error(f"前 {HEADER_SEARCH_ROWS} 行里没有找到表头（须有“编号”和“问题标题”两列）")


# --- parsing one cell -------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _Refused("日期无法识别（应为 2026-03-15 这样的日期）")


def _datetime(value: Any) -> datetime | None:
    """A local time in the sheet (Excel has no time zone) → aware, in Asia/Shanghai."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0))
    else:
        text = str(value).strip()
        for pattern in DATETIME_PATTERNS:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            moment = datetime.combine(_date(text), time(0))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment


def _int(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise _Refused("须为整数")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _Refused("须为整数") from None
    if not 0 <= number <= 1000:
        raise _Refused("须为 0 到 1000 之间的整数")
    return number


def _yes_no(value: Any) -> bool | None:
    text = _text(value)
    if text is None:
        return None
    if text in (YES, "true", "TRUE", "1"):
        return True
    if text in (NO, "false", "FALSE", "0"):
        return False
    raise _Refused("须填“是”或“否”")


def _choice(key: str, value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    code = VOCABULARIES[key].get(text)
    if code is None:
        names = [name for name in VOCABULARIES[key] if not name.isascii()]
        raise _Refused(f"“{text}”不是可用的取值（可填：{'、'.join(names)}）")
    return code


# --- the directory the rows refer to ----------------------------------------------------------

class _Directory:
    """Departments, leaders and meetings by name, read once per import."""

    def __init__(self, session: Session):
        self.session = session
        self.departments: dict[str, int] = {}
        for dept in session.execute(select(Department)).scalars():
            self.departments[dept.name] = dept.id
            self.departments.setdefault(dept.code, dept.id)
        self.leaders: dict[str, list[int]] = {}
        for user in session.execute(select(User).where(User.role == Role.LEADER)).scalars():
            self.leaders.setdefault(user.display_name, []).append(user.id)
        self.meetings: dict[str, list[Meeting]] = {}
        for meeting in session.execute(select(Meeting)).scalars():
            self.meetings.setdefault(meeting.title, []).append(meeting)

    def department(self, name: str) -> int:
        dept_id = self.departments.get(name)
        if dept_id is None:
            raise _Refused(f"没有名为“{name}”的部门")
        return dept_id

    def leader(self, name: str) -> int:
        ids = self.leaders.get(name, [])
        if not ids:
            raise _Refused(f"没有名为“{name}”的县级领导")
        if len(ids) > 1:
            raise _Refused(f"有 {len(ids)} 位县级领导都叫“{name}”，无法确定是哪一位")
        return ids[0]

    def meeting(self, title: str, day: date | None) -> int:
        found = [m for m in self.meetings.get(title, []) if day is None or local_date(m.held_at) == day]
        if not found:
            raise _Refused(f"没有找到会议“{title}”" + (f"（{day.isoformat()}）" if day else ""))
        if len(found) > 1:
            raise _Refused(f"有 {len(found)} 场会议都叫“{title}”，请填写会议日期")
        return found[0].id


# --- one row → the fields of an issue ---------------------------------------------------------

@dataclass
class _Parsed:
    row: int
    fields: dict[str, Any]
    co_departments: list[int]
    year: int | None = None
    seq: int | None = None


def _parse_row(values: tuple, columns: dict[int, str], directory: _Directory) -> tuple[dict, list[str]]:
    raw = {key: values[position] if position < len(values) else None
           for position, key in columns.items()}
    data: dict[str, Any] = {}
    errors: list[str] = []

    def take(key: str, parse: Callable[[Any], Any]) -> None:
        column = BY_KEY[key]
        try:
            value = parse(raw.get(key))
            if column.required and value is None:
                raise _Refused("必填")
            if column.max_length and isinstance(value, str) and len(value) > column.max_length:
                raise _Refused(f"超过 {column.max_length} 字（现有 {len(value)} 字）")
            data[key] = value
        except _Refused as exc:
            errors.append(f"{column.title}：{exc}")

    for key in ("code", "reporter_name", "reporter_org", "reporter_phone", "category", "township",
                "title", "content", "responsible_person", "responsible_phone", "plan", "result",
                "public_summary", "public_title", "withhold_reason", "meeting_title", "lead_leader", "lead_department",
                "co_departments", "escalation_agency", "escalation_document_no"):
        take(key, _text)
    for key in ("channel", "status", "type", "reporter_kind", "satisfaction", "disclosure", "reject_reason",
                "escalation_level"):
        take(key, lambda v, k=key: _choice(k, v))
    for key in ("meeting_date", "accept_due", "reply_due", "complete_due", "original_complete_due", "report_due",
                "visit_due", "review_on", "escalation_sent_on"):
        take(key, _date)
    for key in ("created_at", "assigned_at", "accepted_at", "answered_at", "replied_at", "reported_at",
                "closed_at", "published_at", "suspended_at"):
        take(key, _datetime)
    for key in ("reporter_consent_public", "accepted_on_time", "replied_on_time", "completed_on_time",
                "reported_on_time", "answered_on_spot"):
        take(key, _yes_no)
    for key in ("extension_count", "reopen_count", "late_completions", "round_no"):
        take(key, _int)

    def resolve(key: str, find: Callable[[Any], Any], target: str) -> None:
        if data.get(key) is None:
            data[target] = None
            return
        try:
            data[target] = find(data[key])
        except _Refused as exc:
            errors.append(f"{BY_KEY[key].title}：{exc}")

    resolve("lead_department", directory.department, "lead_department_id")
    resolve("lead_leader", directory.leader, "lead_leader_id")
    resolve("meeting_title", lambda t: directory.meeting(t, data.get("meeting_date")), "meeting_id")
    co_ids: list[int] = []
    for name in LIST_SEPARATORS.split(data.get("co_departments") or ""):
        name = name.strip()
        if name:
            try:
                co_ids.append(directory.department(name))
            except _Refused as exc:
                errors.append(f"协办部门：{exc}")
    data["co_department_ids"] = list(dict.fromkeys(i for i in co_ids if i != data.get("lead_department_id")))

    for key in ("reporter_name", "reporter_org"):
        if isinstance(raw.get(key), str) and raw[key] and is_blank(raw[key]):
            errors.append(f"{BY_KEY[key].title}：只有空格或不可见字符，请填写或清空该格")
            data[key] = None
    phone = data.get("reporter_phone") or ""
    if "*" in phone or "＊" in phone:
        errors.append("联系电话：是脱敏后的号码，不能导入")
    code = data.get("code")
    if code and not CODE_PATTERN.match(code):
        errors.append(f"编号：“{code}”格式不对（应为 {format_code(2026, 123)} 这样的编号）")
    if (data.get("status") in ASSIGNED_STATUSES and data.get("lead_department") is None
            and not data.get("answered_on_spot")):
        errors.append("承办部门：已交办的问题须填写承办部门（现场答复的除外）")
    if data.get("status") == Status.ESCALATED:
        for key in ("escalation_level", "escalation_agency", "escalation_sent_on", "review_on"):
            if data.get(key) is None and not any(e.startswith(f"{BY_KEY[key].title}：") for e in errors):
                errors.append(f"{BY_KEY[key].title}：提请中的问题须填写（提请上级的记录据此建立，复核日期按“挂账复核日期”）")
    return data, errors


IMPORT_ESCALATION_REASON = "台账导入：提请上级解决"


def _escalation(data: dict, issue_id: int, actor: User | None, now: datetime) -> dict | None:
    """The escalation in force of an issue imported as 提请中, so its follow-ups and the higher
    level's answer can be recorded like any other's."""
    if data["status"] != Status.ESCALATED:
        return None
    return {"issue_id": issue_id, "event_id": None, "from_status": Status.IN_PROGRESS,
            "level": data["escalation_level"], "agency": data["escalation_agency"],
            "document_no": data.get("escalation_document_no"), "reason": IMPORT_ESCALATION_REASON,
            "sent_on": data["escalation_sent_on"], "review_on": data["review_on"], "followups": [],
            "by_id": actor.id if actor else None, "at": now}



def _existing_codes(session: Session, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        found |= set(session.execute(select(Issue.code).where(Issue.code.in_(chunk))).scalars())
    return found


def _raise_counters(session: Session, highest: dict[int, int]) -> None:
    """Keep each year's numbering (counter or sequence) at or above the highest imported number."""
    for year, seq in highest.items():
        ensure_above(session, year, seq)


def _columns(issue: Issue) -> dict:
    """The issue's column values for a bulk INSERT (the id is the database's)."""
    return {column.key: getattr(issue, column.key) for column in Issue.__table__.columns
            if column.key != "id"}


def _ids_by_code(session: Session, codes: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        ids.update(session.execute(select(Issue.code, Issue.id).where(Issue.code.in_(chunk))).all())
    return ids


def _issue(data: dict, code: str, year: int, seq: int, actor: User | None, now: datetime) -> Issue:
    issue = Issue(
        code=code, year=year, seq=seq, title=data["title"], content=data["content"],
        category=data.get("category"), type=data.get("type") or "help", channel=data["channel"],
        meeting_id=data.get("meeting_id"), township=data.get("township"),
        reporter_name=data.get("reporter_name"), reporter_org=data.get("reporter_org"),
        reporter_phone=data.get("reporter_phone"), reporter_kind=data.get("reporter_kind") or "enterprise",
        reporter_consent_public=bool(data.get("reporter_consent_public")),
        status=data["status"], lead_department_id=data.get("lead_department_id"),
        lead_leader_id=data.get("lead_leader_id"), responsible_person=data.get("responsible_person"),
        responsible_phone=data.get("responsible_phone"), plan=data.get("plan"), result=data.get("result"),
        accept_due=data.get("accept_due"), reply_due=data.get("reply_due"),
        complete_due=data.get("complete_due"), report_due=data.get("report_due"),
        visit_due=data.get("visit_due"),
        accepted_on_time=data.get("accepted_on_time"), replied_on_time=data.get("replied_on_time"),
        completed_on_time=data.get("completed_on_time"), reported_on_time=data.get("reported_on_time"),
        late_completions=data.get("late_completions") or (1 if data.get("completed_on_time") is False else 0),
        original_complete_due=data.get("original_complete_due") or data.get("complete_due"),
        round_no=data.get("round_no") or (1 if data.get("assigned_at") or data.get("lead_department_id") else 0),
        satisfaction=data.get("satisfaction"), reopen_count=data.get("reopen_count") or 0,
        extension_count=data.get("extension_count") or 0,
        disclosure=data.get("disclosure") or "pending", public_summary=data.get("public_summary"),
        public_title=data.get("public_title"), withhold_reason=data.get("withhold_reason"),
        reject_reason=data.get("reject_reason"), review_on=data.get("review_on"),
        answered_on_spot=bool(data.get("answered_on_spot")), suspended_at=data.get("suspended_at"),
        created_by_id=actor.id if actor else None, created_at=data["created_at"], updated_at=now,
        assigned_at=data.get("assigned_at"), accepted_at=data.get("accepted_at"),
        replied_at=data.get("replied_at"), closed_at=data.get("closed_at"),
        answered_at=data.get("answered_at"), reported_at=data.get("reported_at"),
        published_at=data.get("published_at") or (
            data.get("closed_at") or data["created_at"] if data["status"] == Status.PUBLISHED else None),
    )
    issue.next_due = nearest_open_deadline(issue)
    issue.version = 1
    return issue


def _judgements(issue: Issue, issue_id: int, now: datetime) -> list[dict]:
    """The judgements the ledger states (按期签收, 按期回复, 按期办结, 按期报告: the current round's) as the
    rows of that round, so the assessment counts an imported issue as it counts any other.
    Earlier rounds are summed up in 超期办结次数 (late_completions)."""
    if issue.lead_department_id is None:
        return []
    rows = []
    for key, flag, at in (("accept_due", issue.accepted_on_time, issue.accepted_at),
                          ("reply_due", issue.replied_on_time, issue.replied_at),
                          ("complete_due", issue.completed_on_time, issue.replied_at),
                          ("report_due", issue.reported_on_time, issue.reported_at)):
        if flag is not None:
            rows.append({"issue_id": issue_id, "event_id": None, "round_no": max(issue.round_no, 1), "deadline": key,
                         "department_id": issue.lead_department_id, "assigned_at": issue.assigned_at,
                         "due": getattr(issue, key), "original_due": getattr(issue, key), "at": at or now,
                         "on_time": flag, "met": True})
    return rows


def may_import(actor: User | None) -> bool:
    return access.may(actor, Permission.LEDGER_IMPORT)


def require_importer(actor: User | None) -> None:
    access.require(actor, Permission.LEDGER_IMPORT)


def import_ledger(session: Session, file: bytes | IO[bytes], actor: User | None, now: datetime,
                  dry_run: bool, *, filename: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Check every row of the ledger file, and unless `dry_run` or a row is refused, create
    the issues in one transaction. `actor` None: the command line. `progress(done, total)` is
    called as rows are read (total: the sheet's last row, blank ones included). Raises
    Invalid (field "file") for a file that cannot be read as a ledger."""
    require_importer(actor)
    data = file if isinstance(file, bytes) else file.read(MAX_FILE_SIZE + 1)
    wb = _open(data)
    try:
        try:
            sheet = _read_sheet(wb, data)
        except UNREADABLE as exc:
            raise _unreadable(exc) from None
        directory = _Directory(session)
        report = ImportReport(dry_run=dry_run)
        parsed: list[_Parsed] = []
        first_row_of: dict[str, int] = {}
        for done, (number, values) in enumerate(sheet.rows, start=1):
            if progress:
                progress(done, sheet.total)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(parsed) + len(report.refused) >= MAX_ROWS:
                raise _file_error(f"一次最多导入 {MAX_ROWS} 行，请拆分后分批导入")
            fields, errors = _parse_row(values, sheet.columns, directory)
            code = fields.get("code")
            if code and code in first_row_of:
                errors.append(f"编号：与第 {first_row_of[code]} 行重复")
            elif code:
                first_row_of[code] = number
            outcome = RowOutcome(number, code, fields.get("title"), not errors,
                                 "；".join(errors) if errors else WILL_CREATE)
            report.rows.append(outcome)
            if not errors:
                parsed.append(_Parsed(number, fields, fields["co_department_ids"]))
    finally:
        wb.close()

    outcomes = {r.row: r for r in report.rows}
    taken = _existing_codes(session, [r.code for r in report.rows if r.code and CODE_PATTERN.match(r.code)])
    for outcome in report.rows:
        if outcome.code in taken:
            reason = "编号：系统中已有此编号的问题"
            outcome.message = reason if outcome.ok else f"{reason}；{outcome.message}"
            outcome.ok = False
    parsed = [item for item in parsed if outcomes[item.row].ok]
    for item in parsed:
        code = item.fields.get("code")
        if code:
            match = CODE_PATTERN.match(code)
            item.year, item.seq = int(match.group(1)), int(match.group(2))
        else:
            outcomes[item.row].message = WILL_CREATE + "（编号将自动分配）"

    if dry_run or report.refused or not parsed:
        return report

    highest: dict[int, int] = {}
    for item in parsed:
        if item.year is not None:
            highest[item.year] = max(highest.get(item.year, 0), item.seq)
    try:
        _raise_counters(session, highest)
        for item in parsed:
            if item.year is None:
                year = item.fields["created_at"].astimezone(LOCAL_TZ).year
                item.seq, outcomes[item.row].code = allocate(session, year)
                item.year = year
        issues = [_issue(item.fields, format_code(item.year, item.seq), item.year, item.seq, actor, now)
                  for item in parsed]
        # Bulk statements (executemany), not one INSERT per issue: a ledger has thousands of rows.
        session.execute(Issue.__table__.insert(), [_columns(issue) for issue in issues])
        ids = _ids_by_code(session, [issue.code for issue in issues])
        links, events = [], []
        for item, issue in zip(parsed, issues, strict=True):
            issue_id = ids[issue.code]
            links += [{"issue_id": issue_id, "department_id": d} for d in item.co_departments]
            events.append({"issue_id": issue_id, "at": now, "actor_id": actor.id if actor else None,
                           "action": "import", "from_status": None, "to_status": issue.status,
                           "note": EVENT_NOTE,
                           "data": {"row": item.row, **({"file": filename} if filename else {})}})
            outcomes[item.row].message = CREATED
        if links:
            session.execute(insert(IssueCoDepartment), links)
        session.execute(insert(IssueEvent), events)
        escalations = [row for item, issue in zip(parsed, issues, strict=True)
                       if (row := _escalation(item.fields, ids[issue.code], actor, now))]
        if escalations:
            session.execute(insert(Escalation), escalations)
        judgements = [row for issue in issues for row in _judgements(issue, ids[issue.code], now)]
        if judgements:
            session.execute(insert(DeadlineJudgement), judgements)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("导入时有他人同时登记了相同编号的问题，未导入任何一行，请重新导入") from None
    report.created = len(parsed)
    return report


__all__ = ["CREATED", "ImportReport", "RowOutcome", "WILL_CREATE", "import_ledger", "may_import",
           "require_importer"]
