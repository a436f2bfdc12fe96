"""Importing the enterprise list (企业名单导入) from Excel, as the ledger is imported: every row
is checked first and the file is all or nothing; the dry run takes the same path and stops
before writing, so its report is the real import's.

Columns are matched by their header (order free): 企业名称 (required), 统一社会信用代码, 所属行业,
所属乡镇（街道）, 企业规模 (规上/中小微/个体, or the full labels), 联系人, 联系电话, 包保县级领导
(display names, separated by 、 or commas), 帮扶特派员, 帮扶特派员电话. A row naming an
enterprise already on record (by credit code, else by name) updates it. A cell holding a
formula is refused (its value is not what the office typed); nothing read is ever evaluated.
"""
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlmodel import Session

from models import ENTERPRISE_SCALE_LABELS, Enterprise, EnterpriseScale, Role, User
from service.core.errors import DomainError, Invalid

from . import credit_code as uscc
from .access import require_manager
from .registry import clean, set_leaders

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_ROWS = 20000
HEADER_SEARCH_ROWS = 10
HEADERS = {
    "企业名称": "name", "统一社会信用代码": "credit_code", "所属行业": "industry", "行业": "industry",
    "所属乡镇（街道）": "township", "所属乡镇": "township", "乡镇（街道）": "township", "乡镇": "township",
    "企业规模": "scale", "规模": "scale", "联系人": "contact_name", "联系电话": "contact_phone",
    "包保县级领导": "leaders", "包保领导": "leaders", "帮扶特派员": "envoy_name", "帮扶特派员电话": "envoy_phone",
    "特派员电话": "envoy_phone",
}
SCALE_WORDS = {**{str(label): str(scale) for scale, label in ENTERPRISE_SCALE_LABELS.items()},
               "规上": EnterpriseScale.ABOVE, "规模以上": EnterpriseScale.ABOVE, "中小微": EnterpriseScale.SME,
               "个体": EnterpriseScale.INDIVIDUAL, **{str(s): str(s) for s in EnterpriseScale}}
# What openpyxl raises for a file that is not a well-formed workbook (as the ledger importer
# lists them): a broken zip, missing parts, XML that does not parse, or XML with entities or a
# DTD, which defusedxml refuses (ValueError): an XXE or "billion laughs" file.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
              AttributeError, OSError, SyntaxError)
SEPARATORS = re.compile(r"[、,，;；\s]+")


@dataclass
class EnterpriseImport:
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    refused: list[dict] = field(default_factory=list)   # {"row": n, "reason": text}
    # What the console shows row by row: each fault with its column, and each row that would
    # be (or was) written. Not part of the API's answer.
    problems: list[dict] = field(default_factory=list)  # {"row": n, "field": column title, "message": text}
    planned: list[dict] = field(default_factory=list)   # {"row": n, "name": text, "action": "create"|"update"}

    @property
    def ok(self) -> bool:
        return not self.refused

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "ok": self.ok, "total": self.total, "created": self.created,
                "updated": self.updated, "refused": self.refused}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _unreadable(exc: Exception) -> Invalid:
    message = f"无法读取这个 Excel 文件（{type(exc).__name__}），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
    return Invalid(message, {"file": message})


def _rows(data: bytes) -> tuple[dict[int, str], list[tuple[int, tuple]]]:
    """The header's columns and the non-blank rows of the first sheet. Formulas are read as the
    text they are (data_only=False), never evaluated; a file that is not a well-formed workbook
    (broken zip or XML, entities or a DTD, which defusedxml refuses) is refused as the ledger's."""
    if not data:
        raise Invalid("文件是空的", {"file": "文件是空的"})
    if not data.startswith(b"PK\x03\x04"):
        raise Invalid("不是 Excel（.xlsx）文件；旧版 .xls 请先另存为 .xlsx", {"file": "不是 .xlsx 文件"})
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        ws = wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1))
        wb.close()
    except UNREADABLE as exc:
        raise _unreadable(exc) from None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {i: HEADERS[_text(v)] for i, v in enumerate(row) if _text(v) in HEADERS}
        if "name" in columns.values():
            body = [(index + 2 + n, r) for n, r in enumerate(rows[index + 1:])
                    if any(_text(v) for v in r)]
            if len(body) > MAX_ROWS:
                raise Invalid(f"一次最多导入{MAX_ROWS}行，请拆分后分批导入", {"file": "行数过多"})
            return columns, body
    raise Invalid("找不到表头：第一张工作表的前10行中须有“企业名称”一列", {"file": "缺少“企业名称”列"})


def import_enterprises(session: Session, file: bytes | IO[bytes], actor: User | None, now: datetime,
                       dry_run: bool = False) -> EnterpriseImport:
    """Check every row; write all of them in one transaction, or none. `actor` None: the command
    line. Commits when something was written."""
    if actor is not None:
        require_manager(actor)
    data = file if isinstance(file, bytes) else file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise Invalid("文件超过 10 MB，请拆分后分批导入", {"file": "文件超过 10 MB"})
    columns, rows = _rows(data)
    report = EnterpriseImport(dry_run, total=len(rows))
    leaders = {u.display_name: u.id for u in session.execute(
        select(User).where(User.role == Role.LEADER, User.active.is_(True))).scalars()}
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    plans = []
    for row_no, values in rows:
        fields_: dict[str, Any] = {}
        reasons: list[tuple[str, str]] = []   # (field, message)
        for index, key in columns.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, str) and value.startswith("="):
                reasons.append((key, f"“{_header(key)}”是公式，请改为直接填写的内容"))
                continue
            fields_[key] = _text(value)
        if fields_.get("scale"):
            scale = SCALE_WORDS.get(fields_["scale"])
            if scale is None:
                reasons.append(("scale", "企业规模须为 规上、中小微 或 个体"))
            fields_["scale"] = scale
        leader_ids = []
        for name in SEPARATORS.split(fields_.pop("leaders", None) or ""):
            if name:
                if name in leaders:
                    leader_ids.append(leaders[name])
                else:
                    reasons.append(("leaders", f"包保县级领导“{name}”不是系统中的在职县级领导"))
        name, code = fields_.get("name"), fields_.get("credit_code")
        code = uscc.normalise(code) if code else None
        if name and name in seen_names:
            reasons.append(("name", f"企业名称与第{seen_names[name]}行重复"))
        if code and code in seen_codes:
            reasons.append(("credit_code", f"统一社会信用代码与第{seen_codes[code]}行重复"))
        current = None
        if code:
            current = session.execute(select(Enterprise).where(Enterprise.credit_code == code)).scalars().first()
        if current is None and name:
            current = session.execute(select(Enterprise).where(Enterprise.name == name)).scalars().first()
        # the register's own checks run on every row, so a row's report names all its faults;
        # a field already at fault (a formula, say) is not reported twice
        try:
            cleaned = clean(session, fields_, current)
        except DomainError as exc:
            faulty = {key for key, _ in reasons}
            reasons.extend((key, message) for key, message in (exc.fields.items() or [("", exc.message)])
                           if key not in faulty)
        if reasons:
            report.refused.append({"row": row_no, "reason": "；".join(message for _, message in reasons)})
            report.problems.extend({"row": row_no, "field": _header(key) if key in FIELD_TITLES else "",
                                    "message": message} for key, message in reasons)
            continue
        if name:
            seen_names[name] = row_no
        if code:
            seen_codes[code] = row_no
        plans.append((current, cleaned, leader_ids))
        report.planned.append({"row": row_no, "name": cleaned.get("name") or (current.name if current else ""),
                               "action": "create" if current is None else "update"})
    report.created = sum(1 for current, _, _ in plans if current is None)
    report.updated = len(plans) - report.created
    if report.refused:
        report.created = report.updated = 0  # nothing is imported
    if report.refused or dry_run:
        session.rollback()
        return report
    try:
        for current, cleaned, leader_ids in plans:
            row = current or Enterprise(created_at=now)
            for key, value in cleaned.items():
                setattr(row, key, value)
            row.updated_at = now
            session.add(row)
            session.flush()
            if leader_ids or current is None:
                set_leaders(session, row.id, sorted(set(leader_ids)))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


FIELD_TITLES = {key: title for title, key in reversed(HEADERS.items())}  # the first title of each


def _header(key: str) -> str:
    return FIELD_TITLES[key]


# The template's columns, in the order the office fills them in (the first title of each field).
TEMPLATE_COLUMNS = ("name", "credit_code", "industry", "township", "scale", "contact_name", "contact_phone",
                    "leaders", "envoy_name", "envoy_phone")
TEMPLATE_NAME = "企业名单导入模板.xlsx"


def template_xlsx() -> bytes:
    """An empty enterprise list with the header row the import reads; 企业规模 offers its three
    words, and the credit code column is text (Excel would turn a long number into 9.1E+17)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append([_header(key) for key in TEMPLATE_COLUMNS])
    ws.freeze_panes = "A2"
    widths = {"name": 32, "credit_code": 24, "leaders": 20, "township": 16}
    for index, key in enumerate(TEMPLATE_COLUMNS):
        letter = ws.cell(row=1, column=index + 1).column_letter
        ws.column_dimensions[letter].width = widths.get(key, 14)
        if key in ("credit_code", "contact_phone", "envoy_phone"):
            for row in range(2, 1002):
                ws.cell(row=row, column=index + 1).number_format = "@"
    scale_column = ws.cell(row=1, column=TEMPLATE_COLUMNS.index("scale") + 1).column_letter
    choices = DataValidation(type="list", formula1='"规上,中小微,个体"', allow_blank=True,
                             error="企业规模须为 规上、中小微 或 个体", errorTitle="企业规模")
    choices.add(f"{scale_column}2:{scale_column}1001")
    ws.add_data_validation(choices)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
