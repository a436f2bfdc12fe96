"""The forms of the issue page (one per workflow action) and of the hotline desk.

Field names are the API's body keys, so a form turns into the body `transition()` takes.
These forms check only shapes (dates, phone numbers, lengths); what is required, and every
other rule, is the workflow's business and comes back as a DomainError.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from models import CHANNEL_LABELS, DEADLINE_KEYS, ISSUE_TYPE_LABELS, Channel, IssueType

from ..limits import MAX_INT, TextRule, record_id
from ..schemas.common import PHONE_RE
from .ui import REJECT_REASON_LABELS, REPORTER_KIND_LABELS, SATISFACTION_LABELS, VERDICT_CHOICES

PHONE_MESSAGE = _l("请填写 11 位手机号或带区号的固定电话")


def options(pairs) -> list[SelectChoice]:
    """(value, label[, render_kw]) pairs as WTForms options."""
    return [SelectChoice(*pair) for pair in pairs]


def _text(label, max_len: int, **kw):
    return TextAreaField(label, validators=[Optional(), TextRule(max_len, lines=True)], **kw)


def _line(label, max_len: int, **kw):
    return StringField(label, validators=[Optional(), TextRule(max_len, lines=False)], **kw)


def _phone(label, **kw):
    return StringField(label, validators=[Optional(), Regexp(PHONE_RE, message=PHONE_MESSAGE)], **kw)


def _date(label, **kw):
    return DateField(label, validators=[Optional()], **kw)


class ActionForm(FlaskForm):
    """A workflow step's form. `version` is the issue's version the user saw."""

    version = IntegerField(_l("版本号"), validators=[
        Optional(), NumberRange(1, MAX_INT, _l("版本号不对，请刷新页面后再试"))])

    def body(self) -> dict:
        body = {}
        for name, field in self._fields.items():
            if name == "csrf_token":
                continue
            value = field.data
            if isinstance(value, str):
                value = value.strip() or None
            body[name] = value
        return body


class AcceptForm(ActionForm):
    note = _text(_l("签收意见（选填）"), 2000)


class ReturnForm(ActionForm):
    reason = _text(_l("退单理由"), 2000, description=_l("说明为何不属于本单位职责，县营商办将重新交办"))


class PlanForm(ActionForm):
    plan = _text(_l("办理方案（办理路径、解决办法）"), 5000)


class ProgressForm(ActionForm):
    note = _text(_l("办理进展"), 2000)


class RequestExtensionForm(ActionForm):
    complete_due = _date(_l("申请将办结时限延至"))
    reason = _text(_l("延期理由"), 2000)


class DecideExtensionForm(ActionForm):
    approve = RadioField(_l("审批结果"), choices=options([("yes", _l("同意延期")), ("no", _l("不同意"))]),
                         validators=[Optional()], validate_choice=False)
    complete_due = _date(_l("批准延至（不填则按申请的日期）"))
    note = _text(_l("审批意见"), 2000, description=_l("不同意时须写明理由"))

    def body(self) -> dict:
        body = super().body()
        body["approve"] = {"yes": True, "no": False}.get(body["approve"])
        return body


class SetDeadlineForm(ActionForm):
    reply_due = _date(_l("限期回复"))
    complete_due = _date(_l("限期办结"))
    report_due = _date(_l("限期报告"))
    visit_due = _date(_l("限期回访"))
    reason = _text(_l("调整理由"), 2000, description=_l("将记入办理时间线；已超过的时限仍按超期计"))

    def body(self) -> dict:
        body = super().body()
        body["deadlines"] = {key: body.pop(key) for key in ("reply_due", "complete_due", "report_due", "visit_due")
                             if body.get(key)}
        return body


class UrgeForm(ActionForm):
    note = _text(_l("催办意见"), 2000)


class SuspendForm(ActionForm):
    reason = _text(_l("挂账原因"), 2000, description=_l("如需省、市决策，或受季节、工期制约"))
    review_on = _date(_l("复核日期"))


class ResumeForm(ActionForm):
    note = _text(_l("说明（选填）"), 2000, description=_l("挂账期间的工作日将自动顺延各项时限"))


class InstructForm(ActionForm):
    note = _text(_l("批示内容"), 2000)


class ReplyForm(ActionForm):
    result = _text(_l("办理结果"), 5000, description=_l("将短信告知反映人，请写明做了什么、结果如何"))


class VisitForm(ActionForm):
    satisfaction = RadioField(_l("反映人评价"), choices=options(SATISFACTION_LABELS.items()),
                              validators=[Optional()], validate_choice=False)
    note = _text(_l("回访记录"), 2000,
                 description=_l("“不满意”须写明原因（至少4个字），将退回承办单位重办并转告其意见"))


class EvaluateForm(ActionForm):
    verdict = RadioField(_l("评估结论"), choices=options(VERDICT_CHOICES.items()),
                         validators=[Optional()], validate_choice=False)
    evidence = _text(_l("评估依据"), 5000, description=_l("核查了什么、如何核查、结果如何；证明材料请先上传为附件"))
    attachment_ids = SelectMultipleField(_l("证明材料（本问题的附件，可多选）"), coerce=record_id,
                                         validate_choice=False)
    evaluated_on = _date(_l("评估日期（不填为今天）"))

    def body(self) -> dict:
        body = super().body()
        body["attachment_ids"] = body["attachment_ids"] or []
        return body


class ReopenForm(ActionForm):
    reason = _text(_l("重办要求"), 2000, description=_l("将短信告知责任人；重办为新一轮办理，按新时限考核"))
    complete_due = _date(_l("限期办结（不填按默认规则）"))

    def body(self) -> dict:
        body = super().body()
        body["deadlines"] = {"complete_due": body.pop("complete_due")} if body.get("complete_due") else None
        return body


class PublishForm(ActionForm):
    public_title = _line(_l("公开标题（选填，不填用问题标题）"), 200)
    public_summary = _text(_l("公开摘要"), 5000,
                           description=_l("公开页面只显示这段摘要，请勿写入姓名、电话等个人信息"))


class WithholdForm(ActionForm):
    reason = _text(_l("不予公开的理由"), 2000)


class WithdrawForm(ActionForm):
    reason = _text(_l("撤回公示的理由"), 2000, description=_l("将记入办理时间线；撤回后公开页面不再显示该问题"))


class AnswerOnSpotForm(ActionForm):
    answer = _text(_l("答复内容"), 5000)
    satisfaction = SelectField(_l("反映人当场评价"), choices=options([("", _l("未评价（待回访）"))] + [
        (k, v) for k, v in SATISFACTION_LABELS.items() if k != "unsatisfied"]), validate_choice=False)


class RejectForm(ActionForm):
    reason = SelectField(_l("不予受理的原因"), choices=options([("", _l("请选择")), *REJECT_REASON_LABELS.items()]),
                         validate_choice=False)
    merged_into = _line(_l("并入的问题编号（重复或合并办理时必填）"), 20, render_kw={"placeholder": "YS2026-000123"})
    note = _text(_l("说明"), 2000)


class AssignForm(ActionForm):
    lead_department_id = SelectField(_l("主办单位"), coerce=record_id, validate_choice=False)
    co_department_ids = SelectMultipleField(_l("协办单位（可多选）"), coerce=record_id, validate_choice=False,
                                            description=_l("按住 Ctrl 键可选多个；没有协办单位可不选"))
    lead_leader_id = SelectField(_l("主抓县级领导"), coerce=record_id, validate_choice=False)
    responsible_person = _line(_l("责任人"), 64)
    responsible_phone = _phone(_l("责任人电话"))
    accept_due = _date(_l("限期签收"))
    reply_due = _date(_l("限期回复"))
    complete_due = _date(_l("限期办结"))
    report_due = _date(_l("限期报告"))
    visit_due = _date(_l("限期回访"))
    note = _text(_l("交办意见"), 2000)

    def body(self) -> dict:
        body = super().body()
        body["deadlines"] = {key: body.pop(key) for key in DEADLINE_KEYS}
        body["co_department_ids"] = body["co_department_ids"] or []
        return body


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "assign": AssignForm, "answer_on_spot": AnswerOnSpotForm, "reject": RejectForm,
    "accept": AcceptForm, "return": ReturnForm, "plan": PlanForm, "progress": ProgressForm,
    "request_extension": RequestExtensionForm, "decide_extension": DecideExtensionForm,
    "set_deadline": SetDeadlineForm, "urge": UrgeForm, "suspend": SuspendForm, "resume": ResumeForm,
    "instruct": InstructForm,
    "reply": ReplyForm, "visit": VisitForm, "evaluate": EvaluateForm, "reopen": ReopenForm,
    "publish": PublishForm, "withhold": WithholdForm,
    "withdraw": WithdrawForm,
}

# What the user reads once the step is done.
DONE_MESSAGES = {
    "assign": _l("已交办，承办单位、责任人和反映人将收到短信"),
    "answer_on_spot": _l("已记录现场答复"),
    "reject": _l("已作不予受理处理"),
    "accept": _l("已签收，请尽快制定办理方案"),
    "return": _l("已退单，县营商办将重新交办"),
    "plan": _l("办理方案已保存"),
    "progress": _l("办理进展已报送"),
    "request_extension": _l("延期申请已提交，等待县营商办审批"),
    "decide_extension": _l("延期申请已审批"),
    "set_deadline": _l("办理时限已重新确定，责任人将收到短信"),
    "urge": _l("已催办，责任人将收到短信"),
    "suspend": _l("已挂账，时限和提醒暂停"),
    "resume": _l("已恢复办理"),
    "instruct": _l("批示已记录"),
    "reply": _l("办理结果已答复，反映人将收到短信"),
    "visit": _l("回访结果已记录"),
    "evaluate": _l("整改评估已记录"),
    "reopen": _l("已退回承办单位重办，责任人将收到短信"),
    "publish": _l("已公开公示"),
    "withhold": _l("已记录不予公开的理由"),
    "withdraw": _l("已撤回公示，公开页面不再显示该问题"),
}
# A line under the step's heading: what it does.
HINTS = {
    "assign": _l("时限已按问题类型和来源的默认规则填好，可修改。"),
    "answer_on_spot": _l("能当场解答的问题在此记录答复；反映人当场满意则直接办结。"),
    "reject": _l("重复反映、合并办理或不属于本县职权范围的问题。"),
    "accept": _l("签收后进入办理，请在时限内制定方案并答复。"),
    "return": _l("不属于本单位职责时退回县营商办重新交办。"),
    "plan": _l("方案将征求反映人和相关单位意见。"),
    "progress": _l("主办、协办单位均可报送进展。"),
    "request_extension": _l("确需延期时须在办结时限前申请；首次由县营商办审批，再次由主抓县级领导审批。"),
    "decide_extension": _l("审批承办单位的延期申请；不同意须写明理由。"),
    "set_deadline": _l("为问题重新确定办理时限（如时限已过）；已超过的时限在统计中仍计超期。"),
    "urge": _l("向责任人发送催办短信。"),
    "suspend": _l("本县权限内暂时无法解决的问题挂账，时限和提醒暂停。"),
    "resume": _l("恢复办理，时限按挂账天数顺延。"),
    "instruct": _l("县级领导对本问题的批示。"),
    "reply": _l("答复后由县营商办回访。"),
    "visit": _l("回访反映人，记录评价。"),
    "evaluate": _l("公示前由县营商办评估整改情况；评估为“未解决”的问题须重办，不能公示。"),
    "reopen": _l("整改评估为“未解决”时退回承办单位重新办理，计入重办次数。"),
    "publish": _l("在公开页面公示办理结果；须先作整改评估。"),
    "withhold": _l("不在公开页面公示，须说明理由。"),
    "withdraw": _l("将已公示的问题从公开页面撤回，须说明理由。"),
}
DANGER_ACTIONS = frozenset({"return", "reject", "withhold", "reopen", "withdraw"})


class IntakeForm(FlaskForm):
    """话务登记, in the order a call goes."""

    reporter_phone = _phone(_l("来电号码"), render_kw={"autocomplete": "off", "inputmode": "tel"})
    reporter_name = _line(_l("姓名"), 64)
    reporter_org = _line(_l("单位（企业）"), 200)
    reporter_kind = SelectField(_l("反映人身份"), choices=options(REPORTER_KIND_LABELS.items()), default="enterprise")
    reporter_consent_public = BooleanField(_l("同意公开企业名称"))
    channel = SelectField(_l("来源渠道"), choices=options((c.value, CHANNEL_LABELS[c]) for c in Channel))
    meeting_id = SelectField(_l("所属会议"), coerce=record_id, validate_choice=False)
    type = SelectField(_l("诉求类型"), choices=options((t.value, ISSUE_TYPE_LABELS[t]) for t in IssueType),
                       default="help")
    category = SelectField(_l("问题类别"), validate_choice=False)
    township = _line(_l("所在镇（街道）"), 64)
    title = StringField(_l("问题标题"), validators=[DataRequired(_l("请填写问题标题")), TextRule(200, lines=False)])
    content = TextAreaField(_l("问题内容"), validators=[DataRequired(_l("请填写问题内容")), TextRule(5000, lines=True)])
    answered_on_spot = BooleanField(_l("已当场答复"))
    answer = _text(_l("答复内容"), 5000)
    satisfaction = SelectField(_l("反映人当场评价"), choices=options([("", _l("未评价（待回访）"))] + [
        (k, v) for k, v in SATISFACTION_LABELS.items() if k != "unsatisfied"]), validate_choice=False)

    def data_for_service(self) -> dict:
        def text(field):
            return (field.data or "").strip() or None
        return {
            "title": self.title.data.strip(), "content": self.content.data.strip(),
            "channel": self.channel.data, "meeting_id": self.meeting_id.data, "type": self.type.data,
            "category": self.category.data or None, "township": text(self.township),
            # name and organisation as typed: one of only spaces is refused (service.intake), not dropped
            "reporter": {"phone": text(self.reporter_phone), "name": self.reporter_name.data or None,
                         "org": self.reporter_org.data or None, "kind": self.reporter_kind.data,
                         "consent_public": bool(self.reporter_consent_public.data)},
        }

    def answer_for_service(self) -> tuple[str | None, str | None]:
        """(answer, satisfaction) when answered on the spot; (None, None) otherwise."""
        if not self.answered_on_spot.data:
            return None, None
        return (self.answer.data or "").strip(), self.satisfaction.data or None
