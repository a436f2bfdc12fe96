"""Bulk actions on a selection of the issue list, and saved views of the list."""
from marshmallow import Schema, fields, validate

from .actions import AssignBody
from .common import Id, Text

# The service refuses more than 100 by name (too_many_selected); this only bounds the body.
SELECTION = {"required": True, "validate": validate.Length(max=1000),
             "metadata": {"description": "选定问题的编号（id），1-100 件"}}


class Selection(Schema):
    issue_ids = fields.List(Id(), **SELECTION)


class BulkUrgeBody(Selection):
    note = Text(2000, required=True, metadata={"description": "催办意见，所有选定问题共用"})


class BulkOutcomeOut(Schema):
    issue_id = fields.Integer()
    code = fields.String(allow_none=True, metadata={"description": "无权查看的问题为 null"})
    done = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={"description": "未办理的原因"})


class BulkUrgeOut(Schema):
    done = fields.Integer()
    refused = fields.Integer()
    items = fields.List(fields.Nested(BulkOutcomeOut))


class BulkAssignBody(AssignBody):
    issue_ids = fields.List(Id(), **SELECTION)


class BulkAssignOut(Schema):
    assigned = fields.List(fields.Integer())


class BulkExportBody(Selection):
    masked = fields.Boolean(load_default=False)


class ViewIn(Schema):
    name = Text(30, required=True)
    query = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict, metadata={
        "description": "问题列表的筛选与排序，键同列表地址：status、channel、flag、department、q、overdue、"
                       "due_this_week、sort、dir"})


class ViewPatch(Schema):
    name = Text(30, load_default=None)
    query = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=None, metadata={
        "description": "给出时整体替换视图的筛选与排序"})


class ViewOut(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "系统自带视图为 null，不可删除"})
    key = fields.String()
    name = fields.String()
    query = fields.Dict()


class ViewList(Schema):
    items = fields.List(fields.Nested(ViewOut))
