"""What the administrator maintains: holiday calendar, deadline policies, SMS wordings."""
from marshmallow import Schema, fields, validate

from models import Channel, IssueType
from service.deadlines.calendar import MAX_YEAR, MIN_YEAR, OVERRIDE_KINDS
from service.deadlines.policies import MAX_ATTEMPTS, MAX_CONSULT_DAYS, MAX_DAYS
from service.reminders.sms_texts import MAX_LENGTH

from .common import Choice, Text, check_printable


def Days(**kw) -> fields.Integer:  # noqa: N802 - a field factory reads like a field class
    return fields.Integer(strict=True, validate=validate.Range(
        min=0, max=MAX_DAYS, error=f"须为 0-{MAX_DAYS} 个工作日"), **kw)


class CalendarArgs(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(
        min=MIN_YEAR, max=MAX_YEAR, error=f"年份须在 {MIN_YEAR}-{MAX_YEAR} 之间"))


class CalendarDayIn(Schema):
    kind = Choice(OVERRIDE_KINDS, required=True)
    note = Text(100, load_default=None, allow_none=True)
    until = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "设置一段日期时的最后一天（含），如春节放假的 7 天一次录入；最多 31 天"})


class CalendarDayOut(Schema):
    day = fields.Date()
    kind = fields.String()
    note = fields.String(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)
    updated_at = fields.AwareDateTime()


class NationalDay(Schema):
    day = fields.Date()
    name = fields.String()


class CalendarYear(Schema):
    year = fields.Integer()
    national_known = fields.Boolean(metadata={"description": "节假日数据包是否已有该年安排"})
    national_holidays = fields.List(fields.Nested(NationalDay))
    national_workdays = fields.List(fields.Nested(NationalDay), metadata={"description": "调休上班日"})
    overrides = fields.List(fields.Nested(CalendarDayOut))
    warnings = fields.List(fields.String())


class PolicyIn(Schema):
    issue_type = Choice(list(IssueType), required=True)
    channel = Choice(list(Channel), load_default=None, allow_none=True)
    accept_days = Days(load_default=1)
    reply_days = Days(load_default=None, allow_none=True)
    complete_days = fields.Integer(strict=True, required=True, validate=validate.Range(
        min=1, max=MAX_DAYS, error=f"须为 1-{MAX_DAYS} 个工作日"))
    report_after = Days(load_default=2)
    visit_after = Days(load_default=5)
    visit_attempts = fields.Integer(strict=True, load_default=3, validate=validate.Range(
        min=1, max=MAX_ATTEMPTS, error=f"须为 1-{MAX_ATTEMPTS} 次"), metadata={
        "description": "销号前须回访未联系上反映人的次数"})
    consult_days = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(
        min=1, max=MAX_CONSULT_DAYS, error=f"须为 1-{MAX_CONSULT_DAYS} 个工作日"), metadata={
        "description": "征求意见：反映人对办理方案提出意见的工作日数；null 为不征求意见"})


class PolicyOut(Schema):
    id = fields.Integer(allow_none=True)
    source = fields.String(metadata={"description": "builtin：内置；override：管理员设置"})
    in_effect = fields.Boolean()
    issue_type = fields.String()
    channel = fields.String(allow_none=True)
    accept_days = fields.Integer()
    reply_days = fields.Integer(allow_none=True)
    complete_days = fields.Integer()
    report_after = fields.Integer()
    visit_after = fields.Integer()
    visit_attempts = fields.Integer()
    consult_days = fields.Integer(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)


class PolicyList(Schema):
    items = fields.List(fields.Nested(PolicyOut))


class TemplateIn(Schema):
    # Longer than MAX_LENGTH on purpose: the service says how long the text is and the limit.
    body = fields.String(required=True, validate=[validate.Length(max=4 * MAX_LENGTH),
                                                  check_printable])


class ProviderTemplateIn(Schema):
    template_code = fields.String(required=True, validate=[validate.Length(max=200), check_printable],
                                  metadata={"description": "服务商审核通过的模板编号（阿里云 SMS_…，腾讯云为数字）"})
    params = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list,
                         validate=validate.Length(max=12),
                         metadata={"description": "模板变量，按模板中的顺序，取自该类短信可用的占位符"})


class ProviderTemplateOut(Schema):
    provider = fields.String()
    key = fields.String()
    template_code = fields.String()
    params = fields.List(fields.String())


class TemplateOut(Schema):
    key = fields.String()
    builtin = fields.String()
    override = fields.String(allow_none=True)
    placeholders = fields.List(fields.String())
    sample = fields.String(metadata={"description": "按常见内容填入后的短信"})
    length = fields.Integer()
    warning = fields.String(allow_none=True)
    providers = fields.Dict(keys=fields.String(), values=fields.Nested(ProviderTemplateOut),
                            metadata={"description": "各短信服务商审核通过的模板"})


class TemplateList(Schema):
    items = fields.List(fields.Nested(TemplateOut))


class ReporterMessageOut(Schema):
    template = fields.String(metadata={"description": "短信类别（与短信模板的 key 相同）"})
    label = fields.String()
    step = fields.String(metadata={"description": "发送这类短信的办理步骤（create 为登记）"})
    when = fields.String()
    off_channels = fields.List(fields.String(), metadata={"description": "已关闭这类短信的问题来源渠道"})


class ReporterMessageList(Schema):
    items = fields.List(fields.Nested(ReporterMessageOut))


class SwitchIn(Schema):
    on = fields.Boolean(required=True, metadata={"description": "true 发送，false 对该渠道关闭"})
