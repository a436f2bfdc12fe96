"""What a text typed by a person may hold before it is stored: one rule for the API, the
console, the public forms, Open311 and what the service reads from files.

- no control characters: PostgreSQL refuses NUL, and the others are invisible, break the XML
  feeds and make openpyxl refuse the ledger; tab, line feed and carriage return only in
  multi-line text (content, notes, replies), never in a one-line field (a title, a name);
- no unpaired UTF-16 surrogates (`"\\ud800"` in JSON): they have no UTF-8 form, so neither the
  database nor a log line could hold them;
- at most as many characters as the column holds.

`problem()` answers with the message's template and its values, so the web layer can show it in
the reader's language (the templates are in the message catalogue); `message()` gives the
Chinese text.
"""
import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"[\t\n\r]")
SURROGATE = re.compile(r"[\ud800-\udfff]")

SURROGATE_MESSAGE = "含有无效的字符（不成对的代理项），请重新输入"
CONTROL_MESSAGE = "含有不可见的控制字符，请删除后重新提交"
ONE_LINE_MESSAGE = "只能填写一行，不能含换行或制表符"
TOO_LONG_MESSAGE = "最多 %(max)s 个字，现有 %(length)s 个"


def problem(value: str, max_len: int | None = None, *, lines: bool = True) -> tuple[str, dict] | None:
    """(message template, its values) for what is wrong with `value`, or None when nothing is.
    `lines`: whether the field is multi-line text."""
    if SURROGATE.search(value):
        return SURROGATE_MESSAGE, {}
    if CONTROL.search(value):
        return CONTROL_MESSAGE, {}
    if not lines and LINE_BREAK.search(value):
        return ONE_LINE_MESSAGE, {}
    if max_len is not None and len(value) > max_len:
        return TOO_LONG_MESSAGE, {"max": max_len, "length": len(value)}
    return None


def message(value: str, max_len: int | None = None, *, lines: bool = True) -> str | None:
    """What is wrong with `value`, in Chinese; None when nothing is."""
    found = problem(value, max_len, lines=lines)
    if found is None:
        return None
    template, values = found
    return template % values if values else template
