"""Enterprises on record, townships, 包保 leaders and month-end visits."""
from marshmallow import Schema, fields, validate

from models import EnterpriseScale, Satisfaction

from .common import Choice, Id, Text

CREDIT_CODE = {"description": "统一社会信用代码，18位，按 GB 32100-2015 校验第18位；全角、小写会被规范为半角大写"}


def _fields(create: bool) -> dict:
    d = {"load_default": None} if create else {}
    return {
        "name": Text(200, required=create, not_blank=True),
        "credit_code": fields.String(allow_none=True, validate=validate.Length(max=40), metadata=CREDIT_CODE, **d),
        "industry": Text(64, allow_none=True, **d),
        "township": Text(64, allow_none=True, **d),
        "scale": Choice(list(EnterpriseScale), allow_none=True, metadata={
            "description": "above 规上企业 / sme 中小微企业 / individual 个体工商户"}, **d),
        "contact_name": Text(64, allow_none=True, **d),
        "contact_phone": Text(20, allow_none=True, **d),
        "envoy_name": Text(64, allow_none=True, metadata={"description": "帮扶特派员"}, **d),
        "envoy_phone": Text(20, allow_none=True, **d),
    }


EnterpriseNew = Schema.from_dict(_fields(True), name="EnterpriseNew")


class EnterpriseIn(EnterpriseNew):
    leader_ids = fields.List(Id(), load_default=None, allow_none=True,
                             metadata={"description": "包保县级领导的用户编号（仅县营商办可设置）"})


class EnterprisePatch(Schema.from_dict(_fields(False), name="EnterprisePatchBase")):
    leader_ids = fields.List(Id(), metadata={"description": "包保县级领导的用户编号（仅县营商办可设置）"})


class PersonOut(Schema):
    id = fields.Integer()
    name = fields.String()


class EnterpriseOut(Schema):
    id = fields.Integer()
    name = fields.String()
    credit_code = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    township = fields.String(allow_none=True)
    scale = fields.String()
    scale_label = fields.String()
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    envoy_name = fields.String(allow_none=True)
    envoy_phone = fields.String(allow_none=True)
    leaders = fields.List(fields.Nested(PersonOut))
    issue_count = fields.Integer()
    open_count = fields.Integer()


class EnterpriseList(Schema):
    items = fields.List(fields.Nested(EnterpriseOut))


class EnterpriseArgs(Schema):
    q = Text(200, load_default=None, metadata={"description": "企业名称的一部分，或信用代码的开头"})
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class EnterpriseIssueOut(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    year = fields.Integer()
    status = fields.String()
    flag = fields.String(allow_none=True, metadata={"description": "red / yellow / green（办理中的问题）"})
    satisfaction = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class EnterprisePageOut(Schema):
    enterprise = fields.Nested(EnterpriseOut)
    issues = fields.List(fields.Nested(EnterpriseIssueOut), metadata={"description": "历年反映的全部问题，新的在前"})
    open_count = fields.Integer()
    flags = fields.Dict(keys=fields.String(), values=fields.Integer())
    satisfaction = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_year = fields.Dict(keys=fields.String(), values=fields.Integer())


class CallerArgs(Schema):
    phone = fields.String(required=True, validate=validate.Length(min=1, max=20))


class CallerOut(Schema):
    known = fields.Boolean()
    name = fields.String(allow_none=True)
    org = fields.String(allow_none=True)
    enterprise = fields.Nested(EnterpriseOut, allow_none=True)


class TownshipIn(Schema):
    name = Text(64, required=True)
    sort_order = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100000))


class TownshipPatch(Schema):
    name = Text(64, not_blank=True)
    sort_order = fields.Integer(validate=validate.Range(min=0, max=100000))
    active = fields.Boolean()


class TownshipOut(Schema):
    id = fields.Integer()
    name = fields.String()
    sort_order = fields.Integer()
    active = fields.Boolean()


class TownshipList(Schema):
    items = fields.List(fields.Nested(TownshipOut))


class TownshipArgs(Schema):
    all = fields.Boolean(load_default=False, metadata={"description": "含已停用的乡镇（街道）"})


class LeaderEnterpriseOut(Schema):
    enterprise = fields.Nested(EnterpriseOut)
    open_count = fields.Integer()
    issues = fields.List(fields.Nested(EnterpriseIssueOut))


class LeaderEnterprisesOut(Schema):
    leader = fields.Nested(PersonOut)
    enterprises = fields.List(fields.Nested(LeaderEnterpriseOut))


class VisitOut(Schema):
    id = fields.Integer()
    satisfaction = fields.String()
    note = fields.String(allow_none=True)
    at = fields.AwareDateTime()
    on_behalf = fields.Boolean(metadata={"description": "代为记录：由县营商办代领导记录"})
    leader = fields.Nested(PersonOut)
    recorded_by = fields.Nested(PersonOut)


class VisitRowOut(Schema):
    issue = fields.Nested(EnterpriseIssueOut)
    reporter_name = fields.String(allow_none=True)
    reporter_org = fields.String(allow_none=True)
    reporter_phone = fields.String(allow_none=True, metadata={"description": "反映人电话：回访领导可见"})
    hosted = fields.Boolean(metadata={"description": "该领导主持的会议上交办的问题（非其主抓）"})
    visit = fields.Nested(VisitOut, allow_none=True)


class VisitListOut(Schema):
    leader = fields.Nested(PersonOut)
    month = fields.String()
    due_count = fields.Integer()
    rows = fields.List(fields.Nested(VisitRowOut))


class VisitArgs(Schema):
    month = fields.String(load_default=None,
                          validate=validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error="月份格式须为 YYYY-MM"))


class VisitIn(Schema):
    satisfaction = Choice(list(Satisfaction), required=True)
    note = Text(1000, load_default=None, allow_none=True)
    leader_id = Id(load_default=None, allow_none=True, metadata={
        "description": "代为记录时回访的县级领导（县营商办必填；领导本人记录时不填）"})


class InvitedOut(Schema):
    enterprise = fields.Nested(EnterpriseOut)
    open_issues = fields.List(fields.Nested(EnterpriseIssueOut))


class InvitedList(Schema):
    items = fields.List(fields.Nested(InvitedOut))


class DashboardOut(Schema):
    leader = fields.Nested(PersonOut)
    red = fields.List(fields.Nested(EnterpriseIssueOut))
    yellow = fields.List(fields.Nested(EnterpriseIssueOut))
    visits_due = fields.List(fields.Nested(VisitRowOut))
    enterprises = fields.List(fields.Nested(EnterpriseOut))
    reports = fields.List(fields.Dict(), metadata={"description": "未读的办理情况报告（由报告功能提供）"})


class ImportOut(Schema):
    dry_run = fields.Boolean()
    ok = fields.Boolean()
    total = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    refused = fields.List(fields.Dict())
