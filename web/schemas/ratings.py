"""企业评议: opening a round, the rounds and a round's results (docs/assessment.md, “企业评议”)."""
from marshmallow import Schema, fields

from service.assessment.ratings import TITLE_MAX

from .common import Text

DATE_ERRORS = {"invalid": "日期格式须为 YYYY-MM-DD，且须是存在的日期"}


def _required(what: str) -> dict:
    return {**DATE_ERRORS, "required": f"请填写{what}", "null": f"请填写{what}"}


class RoundIn(Schema):
    from_ = fields.Date(data_key="from", required=True, metadata={"description": "评议区间起始日期（含）"},
                        error_messages=_required("评议区间起始日期"))
    to = fields.Date(required=True, metadata={"description": "评议区间截止日期（含，须早于今天）"},
                     error_messages=_required("评议区间截止日期"))
    answer_by = fields.Date(load_default=None, allow_none=True, error_messages=DATE_ERRORS, metadata={
        "description": "企业评议截止日期（含）；省略时为10个工作日后"})
    title = Text(TITLE_MAX, load_default=None, allow_none=True, not_blank=False, metadata={
        "description": "标题；省略时如“2026年第四季度企业评议部门服务”"})


class RoundOut(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "短信中的评议编号，如 PY0003"})
    title = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    answer_by = fields.Date()
    opened_at = fields.AwareDateTime()
    asked = fields.Integer(metadata={"description": "已发短信邀请的企业数"})
    answered = fields.Integer(metadata={"description": "已评完全部部门的企业数"})
    skipped = fields.Integer(metadata={"description": "有交办问题但无可用手机号或已退订、未邀请的企业数"})


class RoundList(Schema):
    items = fields.List(fields.Nested(RoundOut))


class DepartmentResultOut(Schema):
    department_id = fields.Integer()
    department_name = fields.String()
    asked = fields.Integer(metadata={"description": "邀请评价该部门的企业数"})
    rated = fields.Integer(metadata={"description": "已评价的企业数"})
    average = fields.Float(allow_none=True, metadata={"description": "平均分（5分制）；无评价时为 null"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "各分值的评价数"})


class EnterpriseLineOut(Schema):
    enterprise_id = fields.Integer()
    enterprise_name = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "发送链接的手机号（脱敏）"})
    department_name = fields.String()
    issues = fields.Integer()
    score = fields.Integer(allow_none=True)
    comment = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class RoundDetailOut(RoundOut):
    closed = fields.Boolean(metadata={"description": "已过评议截止日期"})
    results = fields.List(fields.Nested(DepartmentResultOut))
    enterprises = fields.List(fields.Nested(EnterpriseLineOut), metadata={
        "description": "各企业对各部门的评价（仅县营商办可见，其他角色为空列表）"})


class RemindOut(Schema):
    queued = fields.Integer(metadata={"description": "本次再次发送的短信条数（今天已提醒过的企业不再发送）"})
