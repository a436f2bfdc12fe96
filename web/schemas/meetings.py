from marshmallow import Schema, fields, validate

from models import MeetingKind, MeetingStatus

from .actions import MeetingAssignment
from .common import Choice, Id, PageArgs, Text
from .issues import IssueOut


class MeetingSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = Choice(list(MeetingKind), required=True)
    title = Text(200, required=True)
    held_at = fields.AwareDateTime(required=True)
    host_leader_id = Id(load_default=None, allow_none=True)
    attendees = fields.List(Text(64), load_default=list, validate=validate.Length(max=200))
    location = Text(200, load_default=None, allow_none=True)
    status = Choice(list(MeetingStatus), load_default="planned")
    issue_count = fields.Integer(dump_only=True)


class MeetingPatch(Schema):
    """What may be corrected on a meeting until its issues are assigned; fields left out stay."""

    title = Text(200)
    held_at = fields.AwareDateTime()
    host_leader_id = Id(allow_none=True)
    attendees = fields.List(Text(64), validate=validate.Length(max=200))
    location = Text(200, allow_none=True)
    note = Text(200, load_default=None, allow_none=True, metadata={"description": "修改原因（记入修改记录）"})


class MeetingChangeOut(Schema):
    at = fields.AwareDateTime()
    actor_id = fields.Integer(allow_none=True)
    changes = fields.Dict(metadata={"description": "字段 → [修改前, 修改后]"})
    note = fields.String(allow_none=True)


class MeetingChanges(Schema):
    items = fields.List(fields.Nested(MeetingChangeOut))


class MeetingPage(Schema):
    items = fields.List(fields.Nested(MeetingSchema))
    next_cursor = fields.String(allow_none=True)


class MeetingListArgs(PageArgs):
    kind = Choice(list(MeetingKind), load_default=None)


class AssignmentsIn(Schema):
    assignments = fields.List(fields.Nested(MeetingAssignment), required=True,
                              validate=validate.Length(min=1, max=500))


class AssignmentsOut(Schema):
    items = fields.List(fields.Nested(IssueOut))
