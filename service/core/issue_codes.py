"""Reading a tracking code as people type it: `YS2026-000173`, `ys2026-173`, ` Ys2026-0173 `
all name the same issue. Stored codes are always the canonical `YS2026-000173`."""
import re

PREFIX = "YS"
_TYPED = re.compile(r"([A-Za-z]{2})\s*(\d{4})\s*[-－—_ ]?\s*0*(\d{1,6})")


def canonical(text: str | None) -> str | None:
    """The stored form of a typed tracking code, or None when the text is no tracking code."""
    if not isinstance(text, str):
        return None
    found = _TYPED.fullmatch(text.strip())
    if found is None or found.group(1).upper() != PREFIX:
        return None
    return f"{PREFIX}{found.group(2)}-{int(found.group(3)):06d}"
