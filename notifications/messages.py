"""SMS texts. Each stays within one 70-character segment for typical values, and carries the
issue code so two texts to one number are never identical."""

TEMPLATES: dict[str, str] = {
    "assigned_department": "【营商办】{code}已交办贵单位：{title}，请于{complete_due}前办结，限{accept_due}前签收。",
    "assigned_co_department": "【营商办】{code}请贵单位协办：{title}，主办单位{lead}。",
    "assigned_reporter": "【营商办】您反映的问题已交办，编号{code}，凭编号和手机后4位可在{track_url}查询进展。",
    "urged": "【督查办】{code}催办：{title}。{note}请抓紧办理。",
    "replied_reporter": "【营商办】您反映的问题{code}已答复，请回复1满意、2基本满意、3不满意。",
    "extension_decided": "【营商办】{code}延期申请{decision}，办结时限{complete_due}。",
}


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(template: str, params: dict) -> str:
    """The message text; long free-text parameters are shortened to keep one segment."""
    values = dict(params)
    for key, limit in (("title", 14), ("note", 16), ("lead", 12)):
        if key in values and values[key] is not None:
            values[key] = shorten(values[key], limit)
    return TEMPLATES[template].format(**values)
