"""擂台赛: the quarter asked for, the stored table, the rules and 一事一表扬 (docs/assessment.md)."""
from marshmallow import Schema, fields, validate

from service.assessment.contest import (
    CONTEST_WEIGHTS,
    FIRST_YEAR,
    GROUPS,
    LATER_PENALTIES,
    NOTE_MAX,
    RATING_RULES,
    RULE_LABELS,
    RULE_LIMITS,
)

from .common import Id, Text


def Year(strict: bool = True, **kw) -> fields.Integer:  # noqa: N802 - a field factory reads like a field class
    return fields.Integer(strict=strict, validate=validate.Range(
        min=FIRST_YEAR, max=2100, error=f"年份须为{FIRST_YEAR}至2100之间的整数"),
        error_messages={"invalid": "年份须为整数", "required": "请填写年份"}, **kw)


def Quarter(strict: bool = True, **kw) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=4, error="季度须为1至4"),
                          error_messages={"invalid": "季度须为1至4", "required": "请填写季度"}, **kw)


class QuarterArgs(Schema):
    # a query string's numbers are text
    year = Year(strict=False, required=True)
    quarter = Quarter(strict=False, required=True)


class ComputeIn(Schema):
    year = Year(required=True)
    quarter = Quarter(required=True)
    recompute = fields.Boolean(load_default=False, metadata={
        "description": "该季度已保存时须为 true 才重新计算（按现行规则覆盖原结果）"})


# Rules added after the first ones: a client that does not send them keeps the defaults.
LATER_RULES = {"penalties": LATER_PENALTIES, "weights": {"rating_score": CONTEST_WEIGHTS["rating_score"]},
               "rating": RATING_RULES}


def _rule(group: str, key: str) -> fields.Field:
    label, top = RULE_LABELS[f"{group}.{key}"], RULE_LIMITS[group]
    later = {"load_default": LATER_RULES[group][key]} if key in LATER_RULES.get(group, {}) else {"required": True}
    if group == "rating":
        message = f"{label}须为1至{top:g}之间的整数"
        return fields.Integer(**later, strict=True, validate=validate.Range(min=1, max=top, error=message),
                              error_messages={"invalid": message, "required": f"请填写{label}",
                                              "null": f"请填写{label}"}, metadata={"description": label})
    message = f"{label}须为0至{top:g}之间的数"
    return fields.Float(**later, allow_nan=False, validate=validate.Range(min=0, max=top, error=message),
                        error_messages={"invalid": message, "required": f"请填写{label}",
                                        "null": f"请填写{label}", "special": message}, metadata={"description": label})


def _group(group: str) -> type[Schema]:
    return Schema.from_dict({key: _rule(group, key) for key in GROUPS[group]}, name=f"Contest{group.title()}")


class RulesIn(Schema):
    weights = fields.Nested(_group("weights"), required=True, metadata={
        "description": "四率及企业评议（rating_score，不填时取默认值）的权重（按有可评内容的各率加权平均，不能全为0）"})
    penalties = fields.Nested(_group("penalties"), required=True, metadata={
        "description": "扣分：每次重办、每次退单、每件当前超期；每件复查不属实、每次约谈、通报批评、"
                       "移交纪检监察机关（后四项不填时取默认值）"})
    bonuses = fields.Nested(_group("bonuses"), required=True, metadata={
        "description": "加分：每次一事一表扬（登记时按现行规则记入该条表扬）"})
    rating = fields.Nested(_group("rating"), load_default=lambda: dict(RATING_RULES), metadata={
        "description": "企业评议：min_ratings 部门在本季度至少有几个企业评价，"
                       "评议平均分（÷5）才按 weights.rating_score 计入"})


class RulesOut(Schema):
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    penalties = fields.Dict(keys=fields.String(), values=fields.Float())
    bonuses = fields.Dict(keys=fields.String(), values=fields.Float())
    rating = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "企业评议：min_ratings（此前保存的季度无此项）"})


class ContestRowOut(Schema):
    department_id = fields.Integer()
    department_name = fields.String()
    rank = fields.Integer(allow_none=True, metadata={"description": "名次；本期无可评为 null"})
    points = fields.Float(allow_none=True, metadata={
        "description": "积分 = 三率得分 − 扣分（不低于0）+ 表扬加分；本期无可评为 null"})
    base = fields.Float(allow_none=True, metadata={"description": "三率得分（100 × 加权平均）"})
    deductions = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "各项扣分：reopens 重办、returned 退单、overdue_now 当前超期、recheck_false 复查不属实、"
                       "accountability_talk 约谈、accountability_criticism 通报批评、"
                       "accountability_referral 移交纪检监察机关"})
    bonus = fields.Float(metadata={"description": "表扬加分"})
    praises = fields.Integer(metadata={"description": "本季度一事一表扬次数"})
    rating_count = fields.Integer(metadata={"description": "本季度企业评议的评价数（此前保存的季度无此项）"})
    rating_average = fields.Float(allow_none=True, metadata={"description": "企业评议平均分（5分制）"})
    rating_score = fields.Float(allow_none=True, metadata={
        "description": "计入积分的企业评议得分率（平均分÷5）；评价数少于规则的最少数时为 null"})
    accept_rate = fields.Float(allow_none=True)
    reply_rate = fields.Float(allow_none=True)
    complete_rate = fields.Float(allow_none=True)
    satisfaction_rate = fields.Float(allow_none=True)
    reopens = fields.Integer()
    returned = fields.Integer()
    overdue_now = fields.Integer()
    recheck_false = fields.Integer(metadata={"description": "复查不属实件数（此前保存的季度无此项）"})
    accountability_talk = fields.Integer(metadata={"description": "约谈次数"})
    accountability_criticism = fields.Integer(metadata={"description": "通报批评次数"})
    accountability_referral = fields.Integer(metadata={"description": "移交纪检监察机关次数"})
    top3 = fields.Boolean(metadata={"description": "前三名"})
    bottom3 = fields.Boolean(metadata={"description": "后三名"})


class ContestResultOut(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    title = fields.String(metadata={"description": "通报标题"})
    computed_at = fields.AwareDateTime()
    rules = fields.Nested(RulesOut, metadata={"description": "计算时的规则（此后修改规则不影响本结果）"})
    items = fields.List(fields.Nested(ContestRowOut))


class PraiseIn(Schema):
    department_id = Id(required=True, error_messages={"required": "请选择部门", "invalid": "请选择部门",
                                                      "null": "请选择部门"})
    issue_id = Id(load_default=None, allow_none=True)
    day = fields.Date(required=True, error_messages={"invalid": "日期格式须为 YYYY-MM-DD",
                                                     "required": "请填写表扬日期",
                                                     "null": "请填写表扬日期"})
    note = Text(NOTE_MAX, required=True)


class PraiseOut(Schema):
    id = fields.Integer()
    department_id = fields.Integer()
    department_name = fields.String()
    issue_id = fields.Integer(allow_none=True)
    issue_code = fields.String(allow_none=True)
    day = fields.Date()
    note = fields.String()
    points = fields.Float(metadata={"description": "该条表扬的加分（登记时的规则）"})


class PraiseList(Schema):
    items = fields.List(fields.Nested(PraiseOut))


class RedFlagOut(Schema):
    month = fields.String(metadata={"description": "如 2026年11月"})
    department_ids = fields.List(fields.Integer(), metadata={"description": "获流动红旗的部门（并列时多个）"})
    names = fields.List(fields.String())
    points = fields.Float(allow_none=True, metadata={"description": "该月积分；无可评时为 null"})
