"""SMS texts. Each stays within one 70-character segment for typical values, and carries the
issue code so two texts to one number are never identical."""
import logging
from string import Formatter

log = logging.getLogger(__name__)

TEMPLATES: dict[str, str] = {
    "assigned_department": "【营商办】{code}已交办贵单位：{title}，请于{complete_due}前办结，限{accept_due}前签收。",
    "assigned_co_department": "【营商办】{code}请贵单位协办：{title}，主办单位{lead}。",
    "registered_reporter": "【营商办】问题已登记，编号{code}，凭编号及手机尾号查询：{track_url}",
    "assigned_reporter": "【营商办】问题已交办，编号{code}，凭编号及手机尾号查询：{track_url}",
    "urged": "【督查办】{code}催办：{title}。{note}请抓紧办理。",
    "consult_reporter": "【营商办】问题{code}的办理方案请您审阅，{due}前回复1同意、2有意见，或打开：{link}",
    "consult_objected": "【营商办】{code}反映人对办理方案有意见：{reason}。请修改方案或报县营商办决定。",
    "answered_reporter": "【营商办】您反映的问题{code}承办单位已答复：{answer}",
    "merged_outcome": "【营商办】您反映的问题{code}已并入{main}办理，现已办结答复，请回复1满意、2基本满意、3不满意。",
    "repeat_outcome": "【营商办】您来电反映的问题已由{code}一并办理，现已办结答复。",
    "replied_reporter": "【营商办】您反映的问题{code}已答复，请回复1满意、2基本满意、3不满意。",
    "extended_reporter": "【营商办】您反映的问题{code}经批准延期办理，办结时限为{complete_due}。",
    "suspended_reporter": "【营商办】您反映的问题{code}暂缓办理：{reason}。{review_on}前告知您进展。",
    "escalated_reporter": "【营商办】您反映的问题{code}已提请上级解决：{reason}。{review_on}前告知您进展。",
    "closed_reporter": "【营商办】您反映的问题{code}已办结销号，感谢您的支持与监督。",
    "rating_request": "【营商办】请评价问题{code}的办理：回复1满意、2基本满意、3不满意。",
    "extension_decided": "【营商办】{code}延期申请{decision}，办结时限{complete_due}。",
    "extension_to_leader": "【营商办】{code}再次申请延期至{due}，请您审批：{title}。",
    "deadline_set": "【营商办】{code}办理时限已重新确定，请于{complete_due}前办结：{title}。",
    "reassigned_away": "【营商办】{code}已改派{lead}办理，贵单位不再承办：{title}。原因：{reason}",
    "reopened": "【营商办】{code}回访不满意，请重办，{complete_due}前办结。反映人意见：{note}",
    "due_soon": "【营商办】{code}{what}时限{due}，还有{days}个工作日：{title}。",
    "due_today": "【营商办】{code}今日{what}到期：{title}，请按时办理。",
    "overdue": "【营商办】{code}{what}已超期{days}个工作日（时限{due}）：{title}，请尽快办理。",
    "escalation": "【督查办】{code}{dept}{what}已超期{days}个工作日：{title}。",
    "review_due": "【营商办】{code}{what}复核日{due}：{title}，请复核进展并告知反映人。",
    "rating_invite": "【营商办】企业评议{code}：请为{period}办理贵企业问题的{count}个部门评分，{due}前打开{link}",
}


# One SMS holds 70 Chinese characters (UCS-2). A longer one is sent as a long SMS (长短信) in
# parts of 67 characters each (3 go to the header that joins them), each part billed as one:
# the rule of the mainland carriers that Aliyun and Tencent Cloud apply. The signature
# (【…】) counts.
SINGLE, PART = 70, 67


def segments(text: str) -> int:
    """How many billed parts `text` takes."""
    length = len(text)
    return 1 if length <= SINGLE else -(-length // PART)


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Texts whose free text is the point of the message: a 催办's demand goes out whole, as a long SMS
# of up to this many parts; a longer one is cut at the end of a sentence (or clause) and says
# where the rest is.
WHOLE = {"urged": ("note", 3)}
REST_IN_SYSTEM = "（全文见系统）"
SENTENCE_ENDS, CLAUSE_ENDS = "。！？；!?;", "，、：,: "


def clip_at_boundary(text: str, limit: int) -> str:
    """`text` whole if it has at most `limit` characters; else cut after its last sentence end
    (or clause mark) that leaves room for REST_IN_SYSTEM, never inside a word or a number."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    window = text[:max(0, limit - len(REST_IN_SYSTEM))]
    for marks in (SENTENCE_ENDS, CLAUSE_ENDS):
        cut = max(window.rfind(m) for m in marks)
        if cut > 0:
            return window[:cut + 1].rstrip(" ,:，、：") + REST_IN_SYSTEM
    cut = len(window)
    while 0 < cut < len(text) and text[cut - 1].isascii() and text[cut - 1].isalnum() \
            and text[cut].isascii() and text[cut].isalnum():
        cut -= 1  # a number or a Latin word stays whole
    return window[:cut] + REST_IN_SYSTEM


def render(template: str, params: dict, text: str | None = None) -> str:
    """The message text (`text`: an administrator's wording of the template); long free-text
    parameters are shortened to keep one segment, except the one a text of WHOLE carries."""
    values = dict(params)
    whole, parts = WHOLE.get(template, (None, 0))
    for key, limit in (("title", 14), ("note", 16), ("lead", 12), ("dept", 10), ("answer", 36), ("reason", 16)):
        if key in values and values[key] is not None and key != whole:
            values[key] = shorten(values[key], limit)
    if whole and values.get(whole):
        room = parts * PART - len(_format(template, {**values, whole: ""}, text))
        values[whole] = clip_at_boundary(values[whole], room)
    return _format(template, values, text)


def _format(template: str, values: dict, text: str | None) -> str:
    if text:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # An administrator's wording that no longer fits the template's values must not
            # stop the step that sends it: the built-in wording goes out instead.
            log.warning("SMS wording of %s does not fit its values; the built-in text is used", template)
    return TEMPLATES[template].format(**values)


# Typical values, by placeholder, to judge how long a wording renders (a new placeholder
# without one counts as six characters).
SAMPLE_VALUES: dict[str, str] = {
    "code": "YS2026-000123", "title": "园区道路破损影响货车通行", "complete_due": "2026-11-20",
    "accept_due": "2026-11-06", "due": "2026-11-20", "lead": "县自然资源局",
    "track_url": "https://ys.example.gov.cn/track?code=YS2026-000123",
    "note": "请本周内反馈进展。", "decision": "已批准",
    "what": "办结", "days": "2", "dept": "县市场监管局",
    "main": "YS2026-000120", "reason": "需待明年春季施工",
    "link": "https://ys.example.gov.cn/plan/abc", "review_on": "2027-03-15",
    "answer": "已联系供电公司，本月20日前完成线路迁改，届时通知贵企业。",
}


def placeholders(text: str) -> list[str]:
    """The names of the `{placeholders}` in `text`, in order, once each. Raises ValueError for
    a malformed text (an unmatched brace, a format spec, an attribute or index)."""
    names: list[str] = []
    for _literal, name, spec, conversion in Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name or "{}")
        if name not in names:
            names.append(name)
    return names


def template_placeholders() -> dict[str, list[str]]:
    """Each template's placeholders: what an administrator's wording may use."""
    return {key: placeholders(text) for key, text in TEMPLATES.items()}


def sample_render(template: str, text: str | None = None) -> str:
    """`text` (or the built-in wording) filled with typical values."""
    names = placeholders(text or TEMPLATES[template])
    return render(template, {n: SAMPLE_VALUES.get(n, "示例内容六字") for n in names}, text)
