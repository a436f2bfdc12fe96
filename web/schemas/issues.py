from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from models import Channel, Flag, IssueType, ReporterKind, Satisfaction, Status
from service.workflow.queries import DEFAULT_DIRECTION, DEFAULT_SORT, DIRECTIONS, SORTS

from .common import Choice, Id, PageArgs, Phone, Text
from .enterprises import EnterpriseNew


def _reporter_schema(name: str, defaults: bool) -> type[Schema]:
    """The reporter's fields; with `defaults` for creation, without for a partial edit, where
    a field left out must stay as it is."""
    def d(value):
        return {"load_default": value} if defaults else {}
    return Schema.from_dict({
        "name": Text(64, allow_none=True, **d(None)),
        "org": Text(200, allow_none=True, **d(None)),
        "phone": Phone(allow_none=True, **d(None)),
        "kind": Choice(list(ReporterKind), **d("enterprise")),
        "consent_public": fields.Boolean(**d(False)),
    }, name=name)


ReporterSchema = _reporter_schema("Reporter", defaults=True)
ReporterPatch = _reporter_schema("ReporterPatch", defaults=False)


class IssueCreate(Schema):
    title = Text(200, required=True)
    content = Text(5000, required=True)
    category = Text(64, load_default=None, allow_none=True)
    channel = Choice(list(Channel), load_default=None)
    type = Choice(list(IssueType), load_default="help")
    meeting_id = Id(load_default=None, allow_none=True)
    township = Text(64, load_default=None, allow_none=True)
    reporter = fields.Nested(ReporterSchema, load_default=dict)
    enterprise_id = Id(load_default=None, allow_none=True, metadata={"description": "企业库中的企业"})
    enterprise = fields.Nested(EnterpriseNew, load_default=None, allow_none=True,
                               metadata={"description": "同时新建的企业（与 enterprise_id 二选一）"})


class IssuePatch(Schema):
    version = Id(required=True)
    title = Text(200, not_blank=True)
    content = Text(5000, not_blank=True)
    category = Text(64, allow_none=True)
    type = Choice(list(IssueType))
    meeting_id = Id(allow_none=True)
    township = Text(64, allow_none=True)
    reporter = fields.Nested(ReporterPatch)
    enterprise_id = Id(allow_none=True)


class Deadlines(Schema):
    accept_due = fields.Date(allow_none=True)
    reply_due = fields.Date(allow_none=True)
    complete_due = fields.Date(allow_none=True)
    report_due = fields.Date(allow_none=True)
    visit_due = fields.Date(allow_none=True)


class EvaluationOut(Schema):
    verdict = fields.String(metadata={"description": "resolved 已解决 / partial 部分解决 / unresolved 未解决 / "
                                                     "not_feasible 暂不具备解决条件"})
    evidence = fields.String()
    attachment_ids = fields.List(fields.Integer())
    evaluator_id = fields.Integer(allow_none=True)
    evaluated_on = fields.Date()
    at = fields.DateTime()


class MergedIssueOut(Schema):
    id = fields.Integer()
    code = fields.String()
    created_at = fields.AwareDateTime(metadata={"description": "登记时间"})
    reporter = fields.String(allow_none=True, metadata={"description": "反映人（已遮挡，如“张*”）"})
    satisfaction = fields.String(allow_none=True, metadata={
        "description": "该反映人对主问题办结答复的评价（短信回复1/2/3）：satisfied 满意 / basically 基本满意 / "
                       "unsatisfied 不满意；未评价为 null。以最近一次为准，不计入主问题的满意率"})
    rated_at = fields.AwareDateTime(allow_none=True, metadata={"description": "评价时间"})


class IssueOut(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    content = fields.String()
    category = fields.String(allow_none=True)
    channel = fields.String()
    meeting_id = Id(allow_none=True)
    reporter = fields.Nested(ReporterSchema)
    township = fields.String(allow_none=True)
    enterprise_id = fields.Integer(allow_none=True)
    status = fields.String()
    lead_department_id = fields.Integer(allow_none=True)
    matched = fields.List(fields.String(), metadata={
        "description": "搜索（q=）时：在哪些字段找到，如“标题”“反映人 张三”“电话 139****5678”；不搜索时没有此项"})
    co_department_ids = fields.List(fields.Integer())
    lead_leader_id = fields.Integer(allow_none=True)
    type = fields.String()
    responsible_person = fields.String(allow_none=True)
    responsible_phone = fields.String(allow_none=True)
    handler_user_id = fields.Integer(allow_none=True, metadata={
        "description": "责任人（主办单位人员）的用户编号；手填责任人时为空"})
    plan = fields.String(allow_none=True)
    deadlines = fields.Nested(Deadlines)
    next_due = fields.Date(allow_none=True)
    flag = fields.String(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    reopen_count = fields.Integer()
    extension_count = fields.Integer()
    disclosure = fields.String()
    public_title = fields.String(allow_none=True)
    public_summary = fields.String(allow_none=True)
    withhold_reason = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    answered_on_spot = fields.Boolean()
    evaluation = fields.Nested(EvaluationOut, allow_none=True, metadata={
        "description": "本轮的整改评估（公示前须有且不为“未解决”）；仅在单个问题的回答中"})
    round_no = fields.Integer(metadata={"description": "办理轮次：交办为第1轮，每次改派或重办加1"})
    original_complete_due = fields.Date(allow_none=True, metadata={
        "description": "本轮原定办结时限（延期批准前）；deadlines.complete_due 为批准后的时限"})
    accepted_on_time = fields.Boolean(allow_none=True, metadata={"description": "本轮按时签收（未评判为 null）"})
    replied_on_time = fields.Boolean(allow_none=True, metadata={"description": "本轮按时回复（未评判为 null）"})
    completed_on_time = fields.Boolean(allow_none=True, metadata={"description": "本轮按期办结（未评判为 null）"})
    reported_on_time = fields.Boolean(allow_none=True, metadata={
        "description": "本轮按时报送办理情况报告（未评判为 null）"})
    late_completions = fields.Integer(metadata={"description": "各轮中超期办结的次数"})
    reject_reason = fields.String(allow_none=True)
    merged_into_id = fields.Integer(allow_none=True, metadata={
        "description": "并入的主问题（不予受理原因为重复反映或合并办理时）"})
    merged_issues = fields.List(fields.Nested(MergedIssueOut), metadata={
        "description": "并入本件的重复反映，按登记先后；含各反映人对本件办理结果的评价；仅在单个问题的回答中"})
    review_on = fields.Date(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    assigned_at = fields.AwareDateTime(allow_none=True)
    accepted_at = fields.AwareDateTime(allow_none=True)
    replied_at = fields.AwareDateTime(allow_none=True, metadata={"description": "办结答复时间"})
    answered_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "本轮首次答复反映人的时间（答复或办结答复，先到者）"})
    reported_at = fields.AwareDateTime(allow_none=True, metadata={"description": "最近一次报送办理情况报告的时间"})
    closed_at = fields.AwareDateTime(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    version = fields.Integer()
    allowed_actions = fields.List(fields.String())


class IssuePage(Schema):
    items = fields.List(fields.Nested(IssueOut))
    next_cursor = fields.String(allow_none=True)


class IssueListArgs(PageArgs):
    status = DelimitedList(Choice(list(Status)), load_default=list)
    channel = Choice(list(Channel), load_default=None)
    department_id = Id(load_default=None)
    flag = Choice(list(Flag), load_default=None)
    meeting_id = Id(load_default=None)
    lead_leader_id = Id(load_default=None)
    q = Text(100, load_default=None)
    overdue = fields.Boolean(load_default=None)
    due_this_week = fields.Boolean(load_default=None, metadata={
        "description": "本周到期：未办结，最近时限在今天到本周日之间"})
    sort = Choice(SORTS, load_default=DEFAULT_SORT, metadata={
        "description": "排序：created 登记顺序（默认）、code 编号、next_due 最近时限（无时限的排在最后）、"
                       "status 办理状态（按流程顺序）、department 主办单位名称"})
    direction = Choice(DIRECTIONS, data_key="dir", load_default=DEFAULT_DIRECTION, metadata={
        "description": "asc 升序、desc 降序（默认）；翻页时 cursor 须与 sort、dir 一同给出"})
    # a cursor of a sort by name carries that name
    cursor = fields.String(load_default=None, validate=validate.Length(max=400))


class EventOut(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    action = fields.String()
    label = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    data = fields.Dict()


class EventList(Schema):
    items = fields.List(fields.Nested(EventOut))


SATISFACTION = list(Satisfaction)
