"""The one home of the masking rules: anything the public or a third party may see goes
through here (pitfalls.md, “Privacy on public pages”).

Text is read through a *matching copy* of the same length: full-width letters and digits,
other scripts' digits and Chinese numerals become ASCII (NFKC, character by character), so
that `＋８６ １３９－１２３４－５６７８` is found as a mobile number while the text shown keeps its own
characters everywhere nothing is masked. Found on that copy:

- mobile numbers, with `+86` / `0086` / `86` in front or not, their digits separated by spaces,
  dots, dashes, brackets or invisible characters: 138****5678;
- ID numbers, 18 characters (also written in groups: `610102 19900101 1234`) or the old 15
  digits with a real birth date: 61*************234;
- landlines with their area code: 0915-****2001;
- e-mail addresses (also `name#qq.com`, `name(at)qq.com`): z***@***.com;
- WeChat and QQ ids after their label (微信号、vx、wx、QQ …) and `wxid_…`: 微信号***;
- the people named (reporter, responsible person): the whole name however it is spaced
  (`欧阳 娜娜`), and the given name alone when it has two or more characters;
- the organisations named (a reporter's enterprise without consent): the full name, the name
  without its region or legal form, and its trade name (字号: 秦岭绿源 of
  陕西秦岭绿源农业科技有限公司) when its trade is one of INDUSTRY_WORDS.

`doubts()` lists what the rules could not be sure of (a surname with a title such as 王女士,
part of a trade name, a digit run that may be an account or a short phone number), for the
office's publication preview. `search_text()` is the text the public search compares with:
every masked piece all stars, so no part of a phone number (its last 4 digits either) or a
birth date finds an issue.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from service.core.phones import MOBILE_PATTERN

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 轩辕 独孤 南宫 西门 呼延".split()
)
# Characters that show nothing: their Unicode categories (control, format such as the
# zero-width space or a bidi override, spaces and line separators, lone surrogates). Not
# private use (a rare character of a name is often typed with one) nor unassigned (a character
# newer than this Python's Unicode tables).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs"})
CHINESE_DIGITS = {"〇": "0", "零": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
                  "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# What may stand between the digits of one number (on the matching copy) ...
_INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# (not a comma or 、, which separate one number from the next in a list)
DIGIT_SEPARATORS = rf"\s{_INVISIBLE}.\-_/\\·•・‧∙()\[\]【】〔〕—–−‐‑‒―"
# ... and between the characters of a name.
NAME_SEPARATORS = rf"\s{_INVISIBLE}.\-_·•・‧∙"
MAX_SEPARATOR_RUN = 3
# How many digits a personal number has, separators aside: a landline with its area code
# (10) to an ID number (18).
MIN_NUMBER_DIGITS, MAX_NUMBER_DIGITS = 10, 18
# A stored name or organisation longer than this is no name: it is masked where it is shown,
# but not looked for in the text (a pattern as long as a page would cost more than the page).
MAX_LOOKED_FOR = 100

_DIGIT_GROUP = re.compile(r"[0-9]+")
_SEPARATOR_RUN = re.compile(rf"[{DIGIT_SEPARATORS}]{{1,{MAX_SEPARATOR_RUN}}}")
MOBILE = re.compile(rf"(?:0086|86|0)?({MOBILE_PATTERN})")
LANDLINE = re.compile(r"(0(?:[12][0-9]|[3-9][0-9]{2}))([2-9][0-9]{6,7})")
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]*)\s*(?:@|#|\(at\)|\[at\])\s*"
    r"((?:[A-Za-z0-9\-]+\s*(?:\.|点|\(dot\)|\[dot\])\s*)+([A-Za-z]{2,}))(?![A-Za-z])", re.IGNORECASE)
CHAT_ID = re.compile(
    r"(?:(?<![A-Za-z])(?:vx|wx|weixin|wechat|qq)|微\s*信|威信|薇信|V信|扣扣)"
    r"\s*(?:号码|号|id|账号)?\s*[:=是为]?\s*([A-Za-z][A-Za-z0-9_\-]{3,19}|[0-9]{5,12})(?![A-Za-z0-9_\-])",
    re.IGNORECASE)
WXID = re.compile(r"(?<![A-Za-z0-9_])wxid_[A-Za-z0-9_\-]{4,}", re.IGNORECASE)
# A title after a surname, or 老/小 before it: may point at the reporter without their name.
TITLES = "先生|女士|小姐|总|董|经理|老板|师傅|主任|书记|厂长|会长|老师|同志|某|某某|工"
PERSON_LABELS = re.compile(r"(?:联系人|负责人|法定代表人|法人|经办人|反映人|来电人|举报人|投诉人|业主)[:\s]*"
                           r"([\u4e00-\u9fff]{2,4})")
LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{7,}(?![0-9])")

# The legal forms an enterprise name ends with, longest first.
LEGAL_FORMS = tuple(sorted(
    "有限责任公司 股份有限公司 有限公司 集团有限公司 集团股份有限公司 集团公司 集团 总公司 分公司 公司 "
    "农民专业合作社 专业合作社 合作社 联合社 厂 店 商行 商店 中心 工作室 研究院 研究所 事务所 门市部 经营部 "
    "超市 酒店 宾馆 饭店 医院 诊所 学校 幼儿园 加油站 农场 养殖场 家庭农场 合伙企业 个体工商户".split(),
    key=len, reverse=True))
# Trades that follow a trade name (字号); the trade name is what is left before them.
INDUSTRY_WORDS = tuple(sorted(
    "农业科技 生物科技 信息科技 网络科技 电子科技 科技 技术 信息技术 商贸 贸易 国际贸易 进出口 实业 建材 建筑 建设 "
    "建筑工程 工程 路桥 市政 物流 运输 供应链 仓储 食品 饮品 饮料 乳业 粮油 农业 农牧 牧业 畜牧 养殖 种植 果业 茶业 "
    "林业 渔业 纺织 服装 服饰 鞋业 光电 光伏 新能源 能源 电力 电气 电器 电子 机械 机电 装备 制造 汽车 汽配 化工 医药 "
    "药业 制药 医疗器械 医疗 生物 环保 环境 水务 燃气 热力 矿业 石化 石油 钢铁 金属 有色 材料 新材料 塑业 塑料 包装 "
    "印务 印刷 纸业 家具 家居 装饰 装修 置业 房地产开发 房地产 地产 物业 物业管理 投资 资产管理 金融 担保 "
    "文化传媒 文化旅游 文旅 传媒 广告 文化 旅游 酒店管理 餐饮 餐饮管理 酒业 商业 超市 百货 电商 电子商务 "
    "网络 软件 通信 数据 咨询 管理咨询 人力资源 劳务 教育 培训 健康 康养 体育 汽车服务 租赁 设备 水泥 陶瓷 玻璃 "
    "木业 石材 砂石 再生资源 废旧物资 冷链 果蔬 蔬菜 面业 肉业 肉制品 蛋业 蜂业 中药材 中药 茶叶".split(),
    key=len, reverse=True))
REGIONS = tuple(sorted(
    "中国 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
    "贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split(), key=len, reverse=True))
_REGION = re.compile("(?:" + "|".join(REGIONS) + ")(?:省|市|自治区|特别行政区)?")
_ADMIN_UNIT = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?:省|市|自治区|自治州|地区|盟|县|区|旗)")
# Words too common to be masked as a trade name, should one be left after stripping.
GENERIC_WORDS = frozenset("中国 中华 国际 全国 全球 华夏 东方 西部 北方 南方 新区 园区 工业 开发 发展".split())

ORG_STAND_IN = "某单位"
TRADE_NAME_STAND_IN = "某"


# --- the matching copy -----------------------------------------------------------------------

@cache
def _fold_table() -> dict[int, str]:
    """Each character whose matching form differs: a digit of any script, a Chinese numeral, a
    full-width or other compatibility form that NFKC turns into one character. Built once."""
    table: dict[int, str] = {ord(k): v for k, v in CHINESE_DIGITS.items()}
    for code in range(0x80, 0x20000):
        ch = chr(code)
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            table[code] = str(digit)
            continue
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) == 1 and folded != ch:
            table[code] = folded
    return table


def fold(text: str) -> str:
    """The matching copy of `text`: as long as `text`, character for character."""
    return text.translate(_fold_table())


def visible(text: str | None) -> str:
    """`text` without the characters that show nothing (spaces, zero-width and control
    characters), its full-width letters and digits made half-width."""
    if not text:
        return ""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)


def is_blank(text: str | None) -> bool:
    """Whether `text` shows nothing at all (None, empty, only spaces or invisible characters)."""
    return not visible(text)


# --- single values ---------------------------------------------------------------------------

def _name_chars(name: str | None) -> str:
    return re.sub(rf"[{NAME_SEPARATORS}]", "", visible(name))


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 张三明 → 张*明, 欧阳娜娜 (or 欧阳 娜娜) → 欧阳**; None for a name that shows
    nothing, whatever is stored."""
    chars = _name_chars(name)
    if not chars:
        return None
    if chars[:2] in COMPOUND_SURNAMES and len(chars) > 2:
        return chars[:2] + "*" * (len(chars) - 2)
    if len(chars) == 3:
        return chars[0] + "*" + chars[2]
    return chars[0] + "*" * max(1, len(chars) - 1)


def mask_phone(phone: str | None) -> str | None:
    """138****1234 for a mobile (also written +86 138-1234-5678 or in full-width digits);
    only the last 4 digits otherwise; None for nothing."""
    if not phone:
        return None
    digits = "".join(ch for ch in fold(phone) if "0" <= ch <= "9")
    mobile = MOBILE.fullmatch(digits)
    if mobile:
        return f"{mobile.group(1)[:3]}****{mobile.group(1)[-4:]}"
    return "****" + digits[-4:] if len(digits) > 4 else "****"


# --- finding personal data in free text ------------------------------------------------------

@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str          # mobile | id_number | landline | email | chat_id | name | given_name | org | trade_name
    shown: str         # what stands in its place on the public side


@dataclass
class Scan:
    text: str
    found: list[Found] = field(default_factory=list)

    def add(self, start: int, end: int, kind: str, shown: str) -> None:
        if any(f.start < end and start < f.end for f in self.found):
            return      # an earlier, more specific find covers it
        self.found.append(Found(start, end, kind, shown))

    def masked(self, at: int) -> bool:
        return any(f.start <= at < f.end for f in self.found)

    def render(self, stars: bool = False) -> str:
        out, last = [], 0
        for f in sorted(self.found, key=lambda f: f.start):
            out.append(self.text[last:f.start])
            out.append("*" * (f.end - f.start) if stars else f.shown)
            last = f.end
        out.append(self.text[last:])
        return "".join(out)


def _birth_date(yymmdd: str, century: str = "19") -> bool:
    try:
        date(int(century + yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return False
    return True


# The kinds of personal number, in the order they are tried on a run of digit groups: a window
# that is exactly a mobile number wins over a longer one that could be an ID number.
NUMBER_KINDS = ("mobile", "id_number", "landline")


def _number(kind: str, digits: str, check: str = "") -> str | None:
    """How the digits are shown when they are a number of `kind`; None when they are not.
    `check`: the X (or x) written right after the digits."""
    if kind == "mobile":
        mobile = None if check else MOBILE.fullmatch(digits)
        return f"{mobile.group(1)[:3]}****{mobile.group(1)[-4:]}" if mobile else None
    if kind == "id_number":
        if check:
            return digits[:2] + "*" * 13 + digits[-2:] + check if len(digits) == 17 else None
        if len(digits) == 18:
            return digits[:2] + "*" * 13 + digits[-3:]
        if len(digits) == 15 and _birth_date(digits[6:12]):
            return digits[:2] + "*" * 10 + digits[-3:]
        return None
    landline = LANDLINE.fullmatch(digits)
    return f"{landline.group(1)}-****{digits[-4:]}" if landline else None


def _numbers(scan: Scan, folded: str) -> None:
    """Numbers written in digit groups (`139 1234 5678`, `610102 19900101 1234`): windows of
    adjacent groups joined by separators are tried from each group, kind by kind, longest
    first; a group is never split, so a longer run (an account, an order number) is left whole."""
    groups = [(m.start(), m.end()) for m in _DIGIT_GROUP.finditer(folded)]
    joined = [bool(_SEPARATOR_RUN.fullmatch(folded[groups[k][1]:groups[k + 1][0]]))
              for k in range(len(groups) - 1)]
    i = 0
    while i < len(groups):
        windows, digits, j = [], "", i
        while True:
            digits += folded[groups[j][0]:groups[j][1]]
            if len(digits) > MAX_NUMBER_DIGITS:
                break
            if len(digits) >= MIN_NUMBER_DIGITS:
                end = groups[j][1]
                after = folded[end:end + 1]
                check = after if after in ("X", "x") and not re.match("[A-Za-z0-9]", folded[end + 1:end + 2]) else ""
                windows.append((j, digits, check))
            if j + 1 >= len(groups) or not joined[j]:
                break
            j += 1
        windows.reverse()
        found = next(((kind, j, digits, check, shown) for kind in NUMBER_KINDS for j, digits, check in windows
                      if (shown := _number(kind, digits, check) or (_number(kind, digits) if check else None))),
                     None)
        if found is None:
            i += 1
            continue
        kind, j, digits, check, shown = found
        start, end = groups[i][0], groups[j][1]
        if kind == "id_number" and check and len(digits) == 17:
            end += 1
        elif kind == "mobile" and len(digits) > 11:
            # a +86 / 0086 / 0 in front stays as typed: the number is its last 11 digits
            start = _position_of_digit(groups[i:j + 1], len(digits) - 11)
        elif kind == "landline" and j > i and LANDLINE.fullmatch(digits).end(1) == groups[i][1] - groups[i][0]:
            # an area code written apart keeps its brackets or dash: (0915)****2001
            shown = scan.text[start:groups[i + 1][0]] + "****" + digits[-4:]
        scan.add(start, end, kind, shown)
        i = j + 1


def _position_of_digit(groups: list[tuple[int, int]], n: int) -> int:
    """Where the n-th digit (from 0) of the groups is in the text."""
    for a, b in groups:
        if n < b - a:
            return a + n
        n -= b - a
    raise ValueError(n)


def _emails(scan: Scan, folded: str) -> None:
    for m in EMAIL.finditer(folded):
        scan.add(m.start(), m.end(), "email", f"{m.group(1)[0]}***@***.{m.group(3).lower()}")


def _chat_ids(scan: Scan, folded: str) -> None:
    for m in WXID.finditer(folded):
        scan.add(m.start(), m.end(), "chat_id", "***")
    for m in CHAT_ID.finditer(folded):
        scan.add(m.start(1), m.end(1), "chat_id", "***")


def _spaced(chars: str) -> str:
    """A pattern for `chars` with separators (a space, a dot, an invisible character) allowed
    between any two of them."""
    return f"[{NAME_SEPARATORS}]{{0,2}}".join(re.escape(c) for c in chars)


@lru_cache(maxsize=4096)
def _spaced_pattern(chars: str, flags: int = 0) -> re.Pattern:
    return re.compile(_spaced(chars), flags)


def _given_name(chars: str) -> str:
    surname = chars[:2] if chars[:2] in COMPOUND_SURNAMES else chars[:1]
    return chars[len(surname):]


def _is_latin(chars: str) -> bool:
    return all(c.isascii() for c in chars)


def _may_hold(low: str, chars: str) -> bool:
    """A quick look before a pattern is used: every character of `chars` is in the text
    (`low`: the matching copy, casefolded)."""
    return all(c in low for c in set(chars.casefold()))


@lru_cache(maxsize=4096)
def _name_parts(name: str) -> tuple[str, int, tuple[str, ...]]:
    """A name as it is looked for: its characters, the regex flags, and the parts that are
    masked alone (the given name; each word of a Latin name)."""
    chars = fold(_name_chars(name))
    flags = re.IGNORECASE if _is_latin(chars) else 0
    parts = re.findall(r"[A-Za-z]{3,}", fold(name)) if flags else [_given_name(chars)]
    return chars, flags, tuple(p for p in parts if len(p) >= 2)


def _names(scan: Scan, folded: str, low: str, names: tuple[str | None, ...]) -> None:
    for name in names:
        if not name:
            continue
        chars, flags, parts = _name_parts(name)
        if not 2 <= len(chars) <= MAX_LOOKED_FOR:
            continue
        if _may_hold(low, chars):
            for m in _spaced_pattern(chars, flags).finditer(folded):
                scan.add(m.start(), m.end(), "name", mask_name(chars))
        for part in parts:
            if _may_hold(low, part):
                for m in _spaced_pattern(part, flags).finditer(folded):
                    scan.add(m.start(), m.end(), "given_name", "*" * len(part))


def _without_region(head: str) -> str:
    """`head` without the provinces and administrative units it starts with (陕西省西安市…),
    as long as two characters are left."""
    while True:
        m = _REGION.match(head) or _ADMIN_UNIT.match(head)
        if not m or len(head) - m.end() < 2:
            return head
        head = head[m.end():]


@lru_cache(maxsize=4096)
def org_variants(org: str | None) -> tuple[tuple[str, ...], str | None]:
    """The ways an enterprise's name is written (in full; without its legal form; without its
    region), longest first, and its trade name (字号) when its trade is recognised:
    陕西秦岭绿源农业科技有限公司 → 秦岭绿源农业科技有限公司, 陕西秦岭绿源农业科技, 秦岭绿源农业科技 … and 秦岭绿源."""
    full = fold(_name_chars(org))
    full = re.sub(r"\([^)]*\)", "", full) or full
    if not 2 <= len(full) <= MAX_LOOKED_FOR:
        return (), None
    bare, legal = full, ""
    for form in LEGAL_FORMS:
        if full.endswith(form) and len(full) - len(form) >= 2:
            bare, legal = full[: -len(form)], form
            break
    head = bare
    while word := next((w for w in INDUSTRY_WORDS if head.endswith(w) and len(head) - len(w) >= 2), None):
        head = head[: -len(word)]     # 宏达机械制造 → 宏达机械 → 宏达
    trade_word = bare[len(head):]
    local = _without_region(head)
    variants = {full, bare, local + trade_word, local + trade_word + legal}
    trade = local if trade_word and local not in GENERIC_WORDS else None
    return tuple(sorted((v for v in variants if len(v) >= 4 or v == full), key=len, reverse=True)), trade


def _orgs(scan: Scan, folded: str, low: str, orgs: tuple[str | None, ...]) -> None:
    for org in orgs:
        variants, trade = org_variants(org)
        for variant in variants:
            if _may_hold(low, variant):
                for m in _spaced_pattern(variant, re.IGNORECASE).finditer(folded):
                    scan.add(m.start(), m.end(), "org", ORG_STAND_IN)
        if trade and _may_hold(low, trade):
            for m in _spaced_pattern(trade, re.IGNORECASE).finditer(folded):
                scan.add(m.start(), m.end(), "trade_name", TRADE_NAME_STAND_IN)


def scan_text(text: str, *, names: tuple[str | None, ...] = (), orgs: tuple[str | None, ...] = ()) -> Scan:
    """Everything personal found in `text`, on its matching copy."""
    scan = Scan(text)
    folded = fold(text)
    _emails(scan, folded)
    _chat_ids(scan, folded)
    _numbers(scan, folded)
    low = folded.casefold()
    _orgs(scan, folded, low, orgs)
    _names(scan, folded, low, names)
    return scan


def scrub_text(text: str | None, *, names: tuple[str | None, ...] = (),
               orgs: tuple[str | None, ...] = ()) -> str | None:
    """`text` with phone numbers, ID numbers, e-mail addresses, WeChat/QQ ids, the given people's
    names and the given organisations masked: a safety net under the office's own editing."""
    if not text:
        return text
    return scan_text(text, names=names, orgs=orgs).render()


def search_text(text: str | None, *, names: tuple[str | None, ...] = (),
                orgs: tuple[str | None, ...] = ()) -> str:
    """What the public search compares a term with: `text` with every masked piece all stars
    (so the last 4 digits a masked mobile shows find nothing either), half-width."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", scan_text(text, names=names, orgs=orgs).render(stars=True))


# --- what the rules could not be sure of -----------------------------------------------------

def doubts(text: str | None, *, names: tuple[str | None, ...] = (),
           orgs: tuple[str | None, ...] = ()) -> list[str]:
    """For the office's publication preview: what in `text` may still point at a person or an
    enterprise although the rules did not mask it, or was masked on a guess. Chinese sentences."""
    if not text:
        return []
    scan = scan_text(text, names=names, orgs=orgs)
    folded = fold(text)
    out: list[str] = []

    def unmasked(m: re.Match) -> bool:
        return not any(scan.masked(k) for k in range(m.start(), m.end()))

    for f in scan.found:
        if f.kind == "given_name":
            out.append(f"“{text[f.start:f.end]}”与反映人的名字相同，已按姓名遮盖；如是普通词语，请改写。")
        elif f.kind == "trade_name":
            out.append(f"“{text[f.start:f.end]}”是未同意公开的企业字号，已遮盖为“{TRADE_NAME_STAND_IN}”。")
    for name in names:
        chars = fold(_name_chars(name))
        if not chars:
            continue
        surname = chars[:2] if chars[:2] in COMPOUND_SURNAMES and len(chars) > 2 else chars[:1]
        if len(chars) < 2:
            out.append(f"姓名“{name}”只有一个字，无法在文中识别，请核对。")
        for m in re.finditer(rf"{re.escape(surname)}(?:{TITLES})|[老小]{re.escape(surname)}(?![\u4e00-\u9fff]{{2}})",
                             folded):
            if unmasked(m):
                out.append(f"“{text[m.start():m.end()]}”这样的称呼可能指向反映人，未遮盖，请核对。")
        if len(chars) >= 3 and not _is_latin(chars):
            for m in re.finditer(re.escape(chars[:2]), folded):
                if unmasked(m) and chars[:2] != surname:
                    out.append(f"“{text[m.start():m.end()]}”与反映人姓名的一部分相同，未遮盖，请核对。")
    for org in orgs:
        variants, trade = org_variants(org)
        if not variants:
            continue
        if trade is None:
            out.append(f"未能从“{visible(org)}”中认出企业字号（简称），摘要中的简称不会自动遮盖，请核对。")
        core = trade or ""
        for k in range(len(core) - 1):
            part = core[k:k + 2]
            for m in re.finditer(re.escape(part), folded):
                if unmasked(m):
                    out.append(f"“{text[m.start():m.end()]}”可能是企业简称，未遮盖，请核对。")
    for m in PERSON_LABELS.finditer(folded):
        if not any(scan.masked(k) for k in range(m.start(1), m.end(1))):
            out.append(f"“{text[m.start():m.end()]}”可能是他人的姓名，未遮盖，请核对。")
    for m in LONG_DIGITS.finditer(folded):
        if unmasked(m):
            digits = sum(ch.isdigit() for ch in m.group())
            out.append(f"“{text[m.start():m.end()]}”是 {digits} 位数字，如是电话、证件号或账号，请删去。")
    return list(dict.fromkeys(out))


def masking_of(issue) -> dict:
    """Whose names and which enterprise a public text of `issue` (an Issue) must not show."""
    orgs = () if issue.reporter_consent_public else (issue.reporter_org,)
    return {"names": (issue.reporter_name, issue.responsible_person), "orgs": orgs}
