"""考核与统计: the period arguments and the shapes of the two answers (docs/assessment.md)."""
from marshmallow import Schema, fields, validate

DATE_HELP = "YYYY-MM-DD，含当日（Asia/Shanghai）"


class PeriodArgs(Schema):
    # Parsed by service.assessment.periods.parse_period, which names `from`/`to` in its 422.
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
    accept_judged = fields.Integer(metadata={"description": "应签收：已评判的签收（含退单），加未签收且已过限期签收的"})
    replied_on_time = fields.Integer(metadata={"description": "按时回复"})
    reply_judged = fields.Integer(metadata={"description": "应回复：各轮已评判的回复，加未答复且已过限期回复的"})
    completed_on_time = fields.Integer(metadata={"description": "按期办结（轮次）"})
    completed_late = fields.Integer(metadata={
        "description": "超期办结（轮次：超期答复，或时限已过时挂账、退单、重新确定时限）"})
    completed = fields.Integer(metadata={"description": "已办结（部门已答复）"})
    complete_judged = fields.Integer(metadata={
        "description": "应办结：各轮已评判的办结，加未办结且已过限期办结的；重办的问题每轮各计一次"})
    open = fields.Integer(metadata={"description": "在办（已交办、办理中）"})
    satisfied = fields.Integer()
    basically = fields.Integer()
    unsatisfied = fields.Integer()
    rated = fields.Integer()
    reopened = fields.Integer(metadata={"description": "重办的问题数"})
    reopens = fields.Integer(metadata={"description": "重办次数"})
    extended = fields.Integer(metadata={"description": "获批延期的问题数"})
    extensions = fields.Integer(metadata={"description": "获批延期的次数"})
    suspended = fields.Integer(metadata={"description": "挂账（当前）"})
    escalated = fields.Integer(metadata={"description": "提请中（当前，提请上级解决）"})
    returned = fields.Integer(metadata={"description": "区间内退单次数"})
    overdue_now = fields.Integer(metadata={"description": "当前逾期"})
    accept_rate = fields.Float(allow_none=True, metadata={"description": "签收及时率，无可评时为 null"})
    reply_rate = fields.Float(allow_none=True, metadata={"description": "回复及时率"})
    complete_rate = fields.Float(allow_none=True, metadata={"description": "按期办结率"})
    satisfaction_rate = fields.Float(allow_none=True, metadata={"description": "满意率（满意+基本满意）/已评价"})
    reported_on_time = fields.Integer(metadata={"description": "按时报告：办理情况报告在限期报告内报送主抓县级领导"})
    report_judged = fields.Integer(metadata={
        "description": "应报告：各轮已评判的报告，加未报告且已过限期报告的（挂账除外）"})
    report_rate = fields.Float(allow_none=True, metadata={"description": "按时报告率（列入通报，不计入得分）"})
    score = fields.Float(allow_none=True, metadata={
        "description": "得分（0-100）：各率加权，减去扣分；本期无可评（各率均为 null）时为 null"})
    penalty = fields.Float(metadata={"description": "扣分：重办、退单、当前逾期（见 penalties）"})
    rank = fields.Integer(allow_none=True, metadata={"description": "排名；本期无可评的部门为 null，列在最后"})


class DepartmentsOut(Schema):
    period = fields.Nested(PeriodOut)
    weights = fields.Dict(keys=fields.String(), values=fields.Float(),
                          metadata={"description": "得分中各率的权重"})
    penalties = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "每次重办（reopens）、每件退单（returned）、每件当前逾期（overdue_now）扣的分"})
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
    collected = fields.Integer(metadata={"description": "当月收集（同 total 的口径）"})
    resolved = fields.Integer(metadata={"description": "其中已办结（同 resolved 的口径）"})
    open = fields.Integer(metadata={"description": "其中未办结"})


class FlagsOut(Schema):
    red = fields.Integer()
    yellow = fields.Integer()
    green = fields.Integer()
    suspended = fields.Integer()
    escalated = fields.Integer()


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
    classes = fields.Integer(metadata={"description": "区间内归并的类案数"})
    class_issues = fields.Integer(metadata={"description": "这些类案涉及的问题数"})
    escalated = fields.Integer(metadata={"description": "区间内提请上级解决的问题数"})
    escalations_answered = fields.Integer(metadata={"description": "其中上级已答复的"})
    hot_categories = fields.List(fields.Nested(CountOut))
    hot_townships = fields.List(fields.Nested(CountOut))
    monthly_trend = fields.List(fields.Nested(MonthRowOut))
    flags_now = fields.Nested(FlagsOut, metadata={"description": "当前在办问题的三色分布，与挂账数、提请中数"})
    sentence = fields.String(metadata={"description": "可直接写入工作报告的一句话"})
