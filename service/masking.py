"""The one masking function set for anything the public or a third party may see."""
import re

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 轩辕 独孤 南宫 西门 呼延".split()
)
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{2})\d{13}(\d{2}[0-9Xx])(?![0-9A-Za-z])")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[-\s]?(\d{3,4})(\d{4})(?!\d)")


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 张三明 → 张*明, 欧阳娜娜 → 欧阳**."""
    if not name:
        return None
    name = name.strip()
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2] + "*" * (len(name) - 2)
    if len(name) == 3:
        return name[0] + "*" + name[2]
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """138****1234 for a mobile; only the last 4 digits otherwise."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" + digits[-4:] if len(digits) > 4 else "****"


def scrub_text(text: str | None, *, names: tuple[str | None, ...] = (),
               orgs: tuple[str | None, ...] = ()) -> str | None:
    """Mask phone and ID numbers in free text, and the given people's names and
    organisations wherever they appear: a safety net under the office's own editing."""
    if not text:
        return text
    text = ID_NUMBER.sub(lambda m: m.group(1) + "*" * 13 + m.group(2), text)
    text = MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)
    for org in orgs:
        if org and len(org.strip()) >= 2:
            text = text.replace(org.strip(), "某单位")
    for name in names:
        if name and len(name.strip()) >= 2:
            text = text.replace(name.strip(), mask_name(name))
    return text
