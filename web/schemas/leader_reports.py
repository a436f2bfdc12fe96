from marshmallow import Schema, fields

from .common import Id


class ReportArgs(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "只列未读的"})
    leader_id = Id(load_default=None, metadata={"description": "县营商办、督查办：只列这位县级领导的"})
    limit = fields.Integer(load_default=50, metadata={"description": "最多列出多少份（1-200）"})


class ReportOut(Schema):
    id = fields.Integer()
    issue_id = fields.Integer()
    issue_code = fields.String()
    issue_title = fields.String()
    issue_status = fields.String()
    department = fields.String(allow_none=True, metadata={"description": "报告的主办单位"})
    leader_id = fields.Integer(allow_none=True, metadata={"description": "报送的主抓县级领导"})
    at = fields.AwareDateTime()
    body = fields.String(metadata={"description": "报告内容"})
    read_at = fields.AwareDateTime(allow_none=True, metadata={"description": "领导阅读时间，未读为 null"})


class ReportList(Schema):
    unread = fields.Integer(metadata={"description": "县级领导本人未读的报告数（其他角色为 0）"})
    items = fields.List(fields.Nested(ReportOut))
