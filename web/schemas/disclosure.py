"""公示批次 and 异议 (service.disclosure.batches holds the rules; these check shapes)."""
from marshmallow import Schema, fields, validate

from .common import Id, Text


class BatchIn(Schema):
    title = Text(200, load_default=None)
    starts_on = fields.Date(load_default=None)
    ends_on = fields.Date(load_default=None)
    issue_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=500))
    meeting_id = Id(load_default=None, allow_none=True)
    published_from = fields.Date(load_default=None, allow_none=True)
    published_to = fields.Date(load_default=None, allow_none=True)


class BatchOut(Schema):
    id = fields.Integer()
    title = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    meeting_id = fields.Integer(allow_none=True)
    public_url = fields.String()


class ObjectionOut(Schema):
    id = fields.Integer()
    batch_id = fields.Integer()
    issue_id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)
    phone = fields.String()
    content = fields.String()
    at = fields.DateTime()
    answer = fields.String(allow_none=True)
    answered_by_id = fields.Integer(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class ObjectionList(Schema):
    items = fields.List(fields.Nested(ObjectionOut))


class AnswerIn(Schema):
    answer = Text(2000, load_default=None)
