"""复查 and 问责 (docs/assessment.md, “复查与问责”): the sample drawn, its members and verdicts, and
the accountability records."""
from marshmallow import Schema, fields, validate

from models import AccountabilityKind, RecheckVerdict
from service.supervision.accountability import DOCUMENT_NO_MAX, MAX_ISSUES, NOTE_MAX

from .common import Id, Text

DAY_ERRORS = {"invalid": "日期格式须为 YYYY-MM-DD", "required": "请填写日期", "null": "请填写日期"}


class DrawIn(Schema):
    day = fields.Date(required=True, error_messages=DAY_ERRORS, metadata={
        "description": "所抽半月中的任一天（1日至15日、16日至月末）；该半月须已结束"})
    share = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(
        min=0, max=100, error="抽查比例须为0%至100%之间的数"),
        error_messages={"invalid": "抽查比例须为0%至100%之间的数", "special": "抽查比例须为0%至100%之间的数"},
        metadata={"description": "从其余问题中随机抽取的百分比（默认20）；曾重办、曾超期的全部抽取"})


class VerdictIn(Schema):
    verdict = fields.String(required=True, validate=validate.OneOf(
        [str(v) for v in RecheckVerdict], error="复查结论须为 true（属实）或 false（不属实）"),
        error_messages={"required": "请选择复查结论", "null": "请选择复查结论"},
        metadata={"description": "true 属实 / false 不属实（重办，计入承办单位）"})
    note = Text(2000, load_default=None, allow_none=True, metadata={"description": "复查情况；不属实时必填"})


class MemberOut(Schema):
    id = fields.Integer()
    issue_id = fields.Integer()
    code = fields.String()
    title = fields.String()
    status = fields.String()
    department_id = fields.Integer(allow_none=True)
    department_name = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "reopened 曾重办 / late 曾超期 / drawn 随机抽取"})
    verdict = fields.String(allow_none=True, metadata={"description": "true 属实 / false 不属实 / null 待复查"})
    note = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class SampleOut(Schema):
    id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    label = fields.String(metadata={"description": "如 2026年11月上半月"})
    share = fields.Float(metadata={"description": "随机抽取的比例（0至1）"})
    seed = fields.Integer(metadata={"description": "随机种子：同一问题集、比例和种子总是抽出同样的样本"})
    pool = fields.Integer(metadata={"description": "该半月办结或公示的问题数"})
    drawn_at = fields.AwareDateTime()
    members = fields.List(fields.Nested(MemberOut))


class SampleSummary(Schema):
    id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    label = fields.String()
    share = fields.Float()
    pool = fields.Integer()
    drawn_at = fields.AwareDateTime()


class SampleList(Schema):
    items = fields.List(fields.Nested(SampleSummary))


class AccountabilityIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(
        [str(k) for k in AccountabilityKind],
        error="问责方式须为 talk（约谈）、criticism（通报批评）或 referral（移交纪检监察机关）"),
        error_messages={"required": "请选择问责方式", "null": "请选择问责方式"},
        metadata={"description": "talk 约谈 / criticism 通报批评 / referral 移交纪检监察机关"})
    department_id = Id(required=True, error_messages={"required": "请选择被问责的部门", "invalid": "请选择被问责的部门",
                                                      "null": "请选择被问责的部门"})
    issue_codes = fields.List(Text(20, required=True), required=True,
                              validate=validate.Length(min=1, max=MAX_ISSUES, error=f"相关问题须为1至{MAX_ISSUES}件"),
                              error_messages={"required": "请填写相关问题的编号"},
                              metadata={"description": "相关问题的编号（须由该部门主办）"})
    document_no = Text(DOCUMENT_NO_MAX, required=True, metadata={"description": "决定文号"})
    decided_on = fields.Date(required=True, error_messages=DAY_ERRORS, metadata={"description": "决定日期"})
    note = Text(NOTE_MAX, load_default=None, allow_none=True)


class AccountabilityArgs(Schema):
    department_id = Id(load_default=None, metadata={"description": "只看该部门（部门用户只能看本单位）"})
    start = fields.Date(load_default=None, error_messages=DAY_ERRORS, metadata={"description": "决定日期起"})
    end = fields.Date(load_default=None, error_messages=DAY_ERRORS, metadata={"description": "决定日期止"})


class AccountabilityOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    department_id = fields.Integer()
    department_name = fields.String()
    issue_codes = fields.List(fields.String())
    document_no = fields.String()
    decided_on = fields.Date()
    note = fields.String(allow_none=True)
    has_document = fields.Boolean(metadata={"description": "是否上传了决定文书（PDF）"})
    created_at = fields.AwareDateTime()


class AccountabilityList(Schema):
    items = fields.List(fields.Nested(AccountabilityOut))
