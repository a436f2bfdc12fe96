"""考核与统计: the period arguments and the shapes of the two answers (docs/assessment.md)."""
from marshmallow import Schema, fields, validate

DATE_HELP = "YYYY-MM-DD，含当日（Asia/Shanghai）"


class PeriodArgs(Schema):
    # Parsed by service.periods.parse_period, which names `from`/`to` in its 422.
    from_ = fields.String(data_key="from", load_default=None, validate=validate.Length(max=10),
                          metadata={"description": f"起始日期，{DATE_HELP}；省略：本月1日（或 to 所在月1日）"})
    to = fields.String(load_default=None, validate=validate.Length(max=10),
                       metadata={"description": f"截止日期，{DATE_HELP}；省略：今天"})


class PeriodOut(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    label = fields.String(metadata={"description": "如 2026年11月、2026年第四季度、2026年11月上半月"})
    shape = fields.String(metadata={"description": "month / quarter / year / half_month / span"})


class DepartmentRowOut(Schema):
    department_id = fields.Integer()
    department_name = fields.String()
    received = fields.Integer(metadata={"description": "交办件：区间内作为主办单位交办（按交办时间）"})
    accepted_on_time = fields.Integer(metadata={"description": "按时签收"})
    accept_judged = fields.Integer(metadata={"description": "应签收：已签收，或未签收且已过限期签收"})
    replied_on_time = fields.Integer(metadata={"description": "按时回复"})
    reply_judged = fields.Integer(metadata={"description": "应回复：已答复，或未答复且已过限期回复"})
    completed_on_time = fields.Integer(metadata={"description": "按期办结"})
    completed_late = fields.Integer(metadata={"description": "超期办结"})
    completed = fields.Integer(metadata={"description": "已办结（部门已答复）"})
    complete_judged = fields.Integer(metadata={"description": "应办结：已办结，或未办结且已过限期办结"})
    open = fields.Integer(metadata={"description": "在办（已交办、办理中）"})
    satisfied = fields.Integer()
    basically = fields.Integer()
    unsatisfied = fields.Integer()
    rated = fields.Integer()
    reopened = fields.Integer(metadata={"description": "重办"})
    extended = fields.Integer(metadata={"description": "获批延期的问题数"})
    extensions = fields.Integer(metadata={"description": "获批延期的次数"})
    suspended = fields.Integer(metadata={"description": "挂账（当前）"})
    returned = fields.Integer(metadata={"description": "区间内退单次数"})
    overdue_now = fields.Integer(metadata={"description": "当前逾期"})
    accept_rate = fields.Float(allow_none=True, metadata={"description": "签收及时率，无可评时为 null"})
    reply_rate = fields.Float(allow_none=True, metadata={"description": "回复及时率"})
    complete_rate = fields.Float(allow_none=True, metadata={"description": "按期办结率"})
    satisfaction_rate = fields.Float(allow_none=True, metadata={"description": "满意率（满意+基本满意）/已评价"})
    score = fields.Float(metadata={"description": "得分（0-100）"})
    rank = fields.Integer(allow_none=True, metadata={"description": "排名；区间内无交办件的部门为 null"})


class DepartmentsOut(Schema):
    period = fields.Nested(PeriodOut)
    weights = fields.Dict(keys=fields.String(), values=fields.Float(),
                          metadata={"description": "得分中各率的权重"})
    items = fields.List(fields.Nested(DepartmentRowOut))


class ChannelRowOut(Schema):
    channel = fields.String()
    label = fields.String()
    collected = fields.Integer()
    resolved = fields.Integer()
    on_spot = fields.Integer()
    open = fields.Integer()


class MeetingRowOut(Schema):
    meeting_id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    held_at = fields.AwareDateTime()
    collected = fields.Integer()
    resolved = fields.Integer()
    on_spot = fields.Integer()


class CountOut(Schema):
    name = fields.String()
    count = fields.Integer()


class MonthRowOut(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    received = fields.Integer()
    completed = fields.Integer()
    completed_on_time = fields.Integer()


class FlagsOut(Schema):
    red = fields.Integer()
    yellow = fields.Integer()
    green = fields.Integer()
    suspended = fields.Integer()


class SummaryOut(Schema):
    period = fields.Nested(PeriodOut)
    meetings_by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                   metadata={"description": "区间内已召开的会议，按种类"})
    channels = fields.List(fields.Nested(ChannelRowOut))
    meetings = fields.List(fields.Nested(MeetingRowOut))
    total = fields.Integer(metadata={"description": "区间内收集的问题（不予受理的不计）"})
    resolved = fields.Integer(metadata={"description": "其中已办结（已回访办结、已公示）"})
    resolution_rate = fields.Float(allow_none=True)
    rated = fields.Integer()
    satisfied = fields.Integer(metadata={"description": "满意与基本满意"})
    satisfaction_rate = fields.Float(allow_none=True)
    hot_categories = fields.List(fields.Nested(CountOut))
    hot_townships = fields.List(fields.Nested(CountOut))
    monthly_trend = fields.List(fields.Nested(MonthRowOut))
    flags_now = fields.Nested(FlagsOut, metadata={"description": "当前在办问题的三色分布与挂账数"})
    sentence = fields.String(metadata={"description": "可直接写入工作报告的一句话"})
