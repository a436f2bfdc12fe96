from marshmallow import Schema, fields, validate

from models import Channel, IssueType
from service.disclosure.public import STATUS_FILTERS

from .common import Choice, Id, PageArgs


class PublicReporter(Schema):
    name = fields.String(allow_none=True)
    kind = fields.String()
    org = fields.String(allow_none=True)


class PublicIssue(Schema):
    code = fields.String()
    title = fields.String()
    summary = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    channel = fields.String()
    channel_label = fields.String()
    type = fields.String()
    type_label = fields.String()
    category = fields.String(allow_none=True)
    township = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    department = fields.String(allow_none=True)
    co_departments = fields.List(fields.String())
    reporter = fields.Nested(PublicReporter)
    created_at = fields.String()
    assigned_at = fields.String(allow_none=True)
    replied_at = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True)
    published_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    complete_due = fields.String(allow_none=True, metadata={"description": "办结时限（获批延期后的）"})
    original_complete_due = fields.String(allow_none=True, metadata={"description": "原定办结时限（延期前）"})
    on_time = fields.Boolean(allow_none=True, metadata={
        "description": "按期办结；任何一轮超期办结即为 false（重办不改变），未办结为 null"})
    extension_count = fields.Integer()
    satisfaction = fields.String(allow_none=True)


class PublicPage(Schema):
    items = fields.List(fields.Nested(PublicIssue))
    next_cursor = fields.String(allow_none=True)


class PublicListArgs(PageArgs):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    channel = Choice(list(Channel), load_default=None)
    department_id = Id(load_default=None)
    type = Choice(list(IssueType), load_default=None)
    status = Choice(list(STATUS_FILTERS), load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class PublicStatsArgs(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class PublicDepartmentFigures(Schema):
    department = fields.String()
    total = fields.Integer()
    closed = fields.Integer()
    completed = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "按期办结率，已过时限仍未办结的计为超期"})
    satisfaction_rate = fields.Float(allow_none=True)


class PublicStatsOut(Schema):
    year = fields.Integer(allow_none=True)
    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_department = fields.List(fields.Nested(PublicDepartmentFigures))
    completed = fields.Integer(metadata={"description": "承办部门已答复办结的问题"})
    judged = fields.Integer(metadata={
        "description": "应办结：各轮已评判的办结，加已过限期办结仍未办结的（计为超期）"})
    on_time = fields.Integer(metadata={"description": "按期办结（轮次）"})
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "按期办结率 = on_time / judged"})
    rated = fields.Integer()
    satisfied = fields.Integer()
    satisfaction_rate = fields.Float(allow_none=True)


class TrackIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^\s*[A-Za-z0-9-]{4,20}\s*$", error="编号格式不对，应形如 YS2026-000123"))
    phone_last4 = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4}$", error="请填写手机号后4位数字"))


class TrackEvent(Schema):
    at = fields.String()
    action = fields.String()
    label = fields.String()


class TrackMergedInto(Schema):
    code = fields.String(metadata={"description": "主问题编号"})
    published = fields.Boolean(metadata={"description": "主问题是否已公示；公示后才给出以下办理结果（已脱敏）"})
    title = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    replied_at = fields.String(allow_none=True)
    on_time = fields.Boolean(allow_none=True)


class TrackOut(Schema):
    code = fields.String()
    title = fields.String()
    status = fields.String()
    status_label = fields.String()
    department = fields.String(allow_none=True)
    created_at = fields.String()
    complete_due = fields.String(allow_none=True)
    replied_at = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    plan = fields.String(allow_none=True, metadata={"description": "承办单位的办理方案（已脱敏）"})
    satisfaction = fields.String(allow_none=True)
    timeline = fields.List(fields.Nested(TrackEvent))
    merged_into = fields.Nested(TrackMergedInto, allow_none=True, metadata={
        "description": "并入其他问题办理的：主问题编号，主问题公示后还有其办理结果"})


class NotificationOut(Schema):
    id = fields.Integer()
    issue_id = fields.Integer(allow_none=True)
    recipient = fields.String()
    recipient_kind = fields.String()
    template = fields.String()
    body = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    provider_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    next_attempt_at = fields.AwareDateTime()


class NotificationPage(Schema):
    items = fields.List(fields.Nested(NotificationOut))
    next_cursor = fields.String(allow_none=True)


class NotificationArgs(PageArgs):
    issue_id = Id(load_default=None)
    status = Choice(["pending", "sending", "sent", "delivered", "failed"], load_default=None)
