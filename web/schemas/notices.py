from marshmallow import Schema, fields

from models import NOTICE_KINDS

from .common import PageArgs


class NoticeArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "只列未读的"})


KINDS = "、".join(f"{k}（{v}）" for k, v in NOTICE_KINDS.items())


class NoticeOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": f"通知类别：{KINDS}"})
    kind_label = fields.String(metadata={"description": "通知类别的名称"})
    issue_id = fields.Integer(allow_none=True, metadata={"description": "所涉问题，没有为 null"})
    issue_code = fields.String(allow_none=True)
    text = fields.String(metadata={"description": "通知全文（如退单理由、催办内容）"})
    link = fields.String(metadata={"description": "控制台中的相关页面"})
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True, metadata={"description": "阅读时间，未读为 null"})


class NoticePage(Schema):
    unread = fields.Integer(metadata={"description": "本人未读通知数"})
    items = fields.List(fields.Nested(NoticeOut))
    next_cursor = fields.String(allow_none=True)


class ReadAllOut(Schema):
    marked = fields.Integer(metadata={"description": "本次标为已读的通知数"})
    unread = fields.Integer()
