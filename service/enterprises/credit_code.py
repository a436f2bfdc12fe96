"""统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (digits and the
capital letters without I, O, Z, S, V); the 18th is a check character over the first 17.

    check = 31 - (Σ value(cᵢ) × wᵢ mod 31), 31 written as 0, wᵢ = 3^(i-1) mod 31

The first character is the registering authority (1-9, A, N, Y), the second the kind of
organisation, the 3rd-8th the administrative division (digits).
"""
import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
_SHAPE = re.compile(r"^[1-9ANY][0-9A-HJ-NP-RTUWXY][0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$")
FIELD = "credit_code"
LABEL = "统一社会信用代码"


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: str) -> str:
    """Full-width characters and lower case as typed become the standard form."""
    out = []
    for ch in text.strip():
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        out.append(ch)
    return "".join(out).upper().replace(" ", "")


def problem(code: str) -> str | None:
    """What is wrong with a (normalised) code, in Chinese; None when it is valid."""
    if len(code) != 18:
        return f"{LABEL}应为18位，现为{len(code)}位"
    if not _SHAPE.match(code):
        return f"{LABEL}格式不正确（只能是数字和大写字母，不含 I、O、Z、S、V；第3-8位为行政区划代码）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"{LABEL}校验位不正确：按国家标准第18位应为“{expected}”，请核对"
    return None


def is_valid(code: str) -> bool:
    return problem(normalise(code)) is None
