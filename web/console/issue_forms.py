"""The forms of the issue page, one per workflow action: the fields each shows, and the reading of
a submitted form into the body the API's schema for the action (web/schemas/actions.py) checks
and `transition()` takes.

Field names are the API's body keys. The schemas check only shapes (dates, phone numbers,
lengths); what is required, and every other rule, is the workflow's business and comes back as
a DomainError.
"""
from dataclasses import dataclass, field
from functools import cache

from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from models import DEADLINE_KEYS
from service.workflow.transition import OFF_THE_LIST

from ..limits import text_problem
from ..schemas.actions import ACTION_SCHEMAS
from ..schemas.common import max_lengths
from .formdata import FormErrors, load, numbers
from .ui import (
    ESCALATION_LEVEL_CHOICES,
    RECHECK_VERDICT_CHOICES,
    REJECT_REASON_LABELS,
    SATISFACTION_LABELS,
    VERDICT_CHOICES,
)

TEXT, LINE, DATE, RADIO, SELECT, MULTI, CHECK = "text", "line", "date", "radio", "select", "multi", "check"


@dataclass(frozen=True)
class Field:
    """One field of a step's form: its kind says how it is shown and read."""
    name: str
    label: object
    kind: str = TEXT
    description: object = None
    choices: tuple = ()          # (value, label) pairs; the assign form's come from the issue page
    placeholder: str | None = None
    required: bool = False       # shown as such (the browser does not check: forms are novalidate)
    max_len: int | None = None   # the longest text the API takes (its schema's, for a step's fields)


def _text(name, label, description=None):
    return Field(name, label, TEXT, description)


DEADLINE_LABELS = {"accept_due": _l("限期签收"), "reply_due": _l("限期回复"), "complete_due": _l("限期办结"),
                   "report_due": _l("限期报告"), "visit_due": _l("限期回访")}
SPOT_SATISFACTION = (("", _l("未评价（待回访）")),
                     *((k, v) for k, v in SATISFACTION_LABELS.items() if k != "unsatisfied"))
HANDLER_HELP = _l("选定后姓名和手机号取自其账号，短信发到该手机；不选则填写下面的责任人和手机号")
CO_HANDLER_HELP = _l("协办通知发到经办人的手机；未指定时发到单位联系电话（固定电话不发短信）")
VERSION_LABEL = _l("版本号")
VERSION_MESSAGE = _l("版本号不对，请刷新页面后再试")

ACTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "assign": (
        Field("lead_department_id", _l("主办单位"), SELECT),
        Field("co_department_ids", _l("协办单位（可多选）"), MULTI,
              _l("按住 Ctrl 键可选多个；没有协办单位可不选")),
        Field("lead_leader_id", _l("主抓县级领导"), SELECT),
        Field("handler_user_id", _l("从单位人员中选择责任人"), SELECT, HANDLER_HELP),
        Field("responsible_person", _l("责任人"), LINE),
        Field("responsible_phone", _l("责任人电话"), LINE),
        Field("co_handler_ids", _l("协办单位经办人（可多选，每个协办单位一人）"), MULTI, CO_HANDLER_HELP),
        *(Field(key, DEADLINE_LABELS[key], DATE) for key in DEADLINE_KEYS),
        _text("note", _l("交办意见")),
    ),
    "answer_on_spot": (
        _text("answer", _l("答复内容")),
        Field("satisfaction", _l("反映人当场评价"), SELECT, choices=SPOT_SATISFACTION),
    ),
    "reject": (
        Field("reason", _l("不予受理的原因"), SELECT,
              choices=(("", _l("请选择")), *REJECT_REASON_LABELS.items())),
        Field("merged_into", _l("并入的问题编号（重复或合并办理时必填）"), LINE, placeholder="YS2026-000123"),
        _text("note", _l("说明")),
    ),
    "accept": (_text("note", _l("签收意见（选填）")),),
    "return": (_text("reason", _l("退单理由"), _l("说明为何不属于本单位职责，县营商办将重新交办")),),
    "plan": (_text("plan", _l("办理方案（办理路径、解决办法）")),),
    "progress": (_text("note", _l("办理进展")),),
    "request_extension": (
        Field("complete_due", _l("申请将办结时限延至"), DATE),
        _text("reason", _l("延期理由")),
    ),
    "decide_extension": (
        Field("approve", _l("审批结果"), RADIO, choices=(("yes", _l("同意延期")), ("no", _l("不同意")))),
        Field("complete_due", _l("批准延至（不填则按申请的日期）"), DATE),
        _text("note", _l("审批意见"), _l("不同意时须写明理由")),
    ),
    "set_deadline": (
        *(Field(key, DEADLINE_LABELS[key], DATE) for key in ("reply_due", "complete_due", "report_due", "visit_due")),
        _text("reason", _l("调整理由"), _l("将记入办理时间线；已超过的时限仍按超期计")),
    ),
    "reassign": (
        Field("lead_department_id", _l("改派给（新的主办单位）"), SELECT),
        Field("co_department_ids", _l("协办单位（可多选）"), MULTI, _l("按住 Ctrl 键可选多个；不选则保留原协办单位")),
        Field("lead_leader_id", _l("主抓县级领导"), SELECT),
        Field("handler_user_id", _l("从新单位人员中选择责任人"), SELECT, HANDLER_HELP),
        Field("responsible_person", _l("新单位责任人"), LINE),
        Field("responsible_phone", _l("新单位责任人电话"), LINE),
        Field("co_handler_ids", _l("协办单位经办人（可多选，每个协办单位一人）"), MULTI, CO_HANDLER_HELP),
        *(Field(key, DEADLINE_LABELS[key], DATE) for key in DEADLINE_KEYS),
        _text("reason", _l("改派理由"), _l("将记入办理时间线并短信告知原主办单位；时限不填则保持不变")),
    ),
    "urge": (_text("note", _l("催办意见")),),
    "suspend": (
        _text("reason", _l("挂账原因"), _l("如需省、市决策，或受季节、工期制约")),
        Field("review_on", _l("复核日期"), DATE),
    ),
    "resume": (_text("note", _l("说明（选填）"), _l("挂账期间的工作日将自动顺延各项时限")),),
    "escalate": (
        Field("level", _l("提请层级"), SELECT, choices=(("", _l("请选择")), *ESCALATION_LEVEL_CHOICES.items())),
        Field("agency", _l("提请单位"), LINE, placeholder="省自然资源厅"),
        Field("document_no", _l("文号（选填）"), LINE),
        Field("sent_on", _l("报送日期"), DATE),
        _text("reason", _l("提请事由"), _l("为何超出本县权限；将短信告知反映人")),
        Field("review_on", _l("复核日期"), DATE, _l("到期当天短信提醒县营商办跟进")),
    ),
    "escalation_followup": (
        _text("note", _l("跟进情况"), _l("何时以何种方式向上级询问、上级怎么说")),
        Field("followed_on", _l("跟进日期（不填为今天）"), DATE),
        Field("review_on", _l("新的复核日期（选填）"), DATE),
    ),
    "escalation_answer": (
        _text("answer", _l("上级答复内容")),
        Field("answered_on", _l("答复日期（不填为今天）"), DATE),
        Field("complete_due", _l("限期办结（不填则按提请天数顺延）"), DATE),
    ),
    "instruct": (_text("note", _l("批示内容")),),
    "answer": (_text("answer", _l("答复内容"), _l("将短信告知反映人；尚未办结时请写明办理安排和预计办结时间")),),
    "reply": (_text("result", _l("办理结果"), _l("将短信告知反映人，请写明做了什么、结果如何")),),
    "report": (_text("report", _l("办理情况报告"), _l("报主抓县级领导：办理过程、结果和反映人意见")),),
    "visit": (
        Field("satisfaction", _l("反映人评价"), RADIO, choices=tuple(SATISFACTION_LABELS.items())),
        _text("note", _l("回访记录"), _l("“不满意”须写明原因（至少4个字），将退回承办单位重办并转告其意见")),
    ),
    "plan_opinion": (_text("reason", _l("意见")),),
    "proceed_plan": (_text("reason", _l("决定理由"), _l("反映人的意见已研究，写明按原方案推进的理由，留存备查")),),
    "unreached": (_text("note", _l("回访情况"), _l("何时以何种方式联系、为何未联系上（如电话无人接听、号码停机）")),),
    "request_rating": (_text("note", _l("说明（选填）")),),
    "close_off": (_text("reason", _l("销号理由"), _l("多次回访未联系上反映人，写明依据，留存备查")),),
    "evaluate": (
        Field("verdict", _l("评估结论"), RADIO, choices=tuple(VERDICT_CHOICES.items())),
        _text("evidence", _l("评估依据"), _l("核查了什么、如何核查、结果如何；证明材料请先上传为附件")),
        Field("attachment_ids", _l("证明材料（本问题的附件，可多选）"), MULTI),
        Field("evaluated_on", _l("评估日期（不填为今天）"), DATE),
    ),
    "reopen": (
        _text("reason", _l("重办要求"), _l("将短信告知责任人；重办为新一轮办理，按新时限考核")),
        Field("complete_due", _l("限期办结（不填按默认规则）"), DATE),
    ),
    "publish": (
        Field("public_title", _l("公开标题（选填，不填用问题标题）"), LINE),
        _text("public_summary", _l("公开摘要"), _l("公开页面只显示这段摘要，请勿写入姓名、电话等个人信息")),
    ),
    "withhold": (_text("reason", _l("不予公开的理由")),),
    "withdraw": (_text("reason", _l("撤回公示的理由"), _l("将记入办理时间线；撤回后公开页面不再显示该问题")),),
    "recheck": (
        Field("verdict", _l("复查结论"), RADIO, choices=tuple(RECHECK_VERDICT_CHOICES.items())),
        _text("note", _l("复查情况"), _l("核查了什么、结果如何；不属实时必填，将短信转告承办单位重办")),
    ),
}
# Fields whose values nest under the body's "deadlines", per action.
NESTED_DEADLINES = {"assign": DEADLINE_KEYS, "reassign": DEADLINE_KEYS,
                    "set_deadline": ("reply_due", "complete_due", "report_due", "visit_due"),
                    "reopen": ("complete_due",), "escalation_answer": ("complete_due",)}
RECORD_IDS = ("lead_department_id", "lead_leader_id", "handler_user_id", "version")


@cache
def _schema_limits(schema) -> dict[str, int]:
    return {key.removeprefix("deadlines."): n for key, n in max_lengths(schema).items()}


@dataclass
class StepForm:
    """A step's form as shown: what is in each field (as typed, or prefilled), its errors, and the
    choices of its lists."""
    action: str
    values: dict = field(default_factory=dict)
    errors: FormErrors = field(default_factory=FormErrors)
    choices: dict = field(default_factory=dict)
    own_fields: tuple[Field, ...] = ()   # a form that is no workflow step (the hotline desk)

    @property
    def limits(self) -> dict[str, int]:
        """The longest text each field takes (`maxlength` on its input): the field's own, or the
        action's API schema's."""
        schema = None if self.own_fields else ACTION_SCHEMAS.get(self.action)
        found = dict(_schema_limits(schema)) if schema else {}
        found.update({f.name: f.max_len for f in self.fields if f.max_len})
        return found

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.own_fields or ACTION_FIELDS[self.action]

    @property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def problems(self) -> list[tuple[str, str]]:
        """(label, message) of every field at fault, in the form's order."""
        found = [(str(f.label), self.errors[f.name]) for f in self.fields if f.name in self.errors]
        if "version" in self.errors:
            found.append((str(VERSION_LABEL), self.errors["version"]))
        return found

    def typed_text(self) -> list[tuple[str, str]]:
        """(label, text) of the text the user wrote, to keep when the step can no longer be taken."""
        return [(str(f.label), self.values[f.name]) for f in self.fields
                if f.kind in (TEXT, LINE) and self.values.get(f.name)]

    def refused(self, fields: dict) -> None:
        """A DomainError's messages by field, each under the field of this form it names."""
        names = {f.name for f in self.fields}
        for key, message in fields.items():
            name = next((part for part in key.split(".") if part in names), None)
            if name is not None and name not in self.errors:
                self.errors[name] = message


def submitted(action: str) -> tuple[StepForm, dict | None]:
    """The submitted form of `action` as typed, and the body for `transition()`, or None with
    the form's errors by field when the shapes are wrong."""
    fields = ACTION_FIELDS[action]
    values = {f.name: ([v.strip() for v in request.form.getlist(f.name)] if f.kind == MULTI
                       else request.form.get(f.name, "").strip()) for f in fields}
    values["version"] = request.form.get("version", "").strip()
    form = StepForm(action, values)

    data = numbers({k: v for k, v in values.items() if v not in ("", [])}, *RECORD_IDS)
    for many in ("co_department_ids", "co_handler_ids", "attachment_ids"):
        if many in data:
            data[many] = [numbers({"id": v}, "id")["id"] for v in data[many] if v]
    if action == "decide_extension":
        data["approve"] = {"yes": True, "no": False}.get(values["approve"])
    if action in NESTED_DEADLINES:
        data["deadlines"] = {key: data.pop(key) for key in NESTED_DEADLINES[action] if key in data}
        if action in ("reopen", "escalation_answer") and not data["deadlines"]:
            del data["deadlines"]  # the default rules set the new round's deadlines
    # The reject form names the issue it merges into by its code; the view looks up its id.
    merged_into = data.pop("merged_into", None)
    body, errors = load(ACTION_SCHEMAS[action](), data)
    code_problem = merged_into and text_problem(merged_into, 20, lines=False)
    if code_problem:
        errors["merged_into"] = code_problem
    if errors:
        form.errors = FormErrors({}, errors.status)
        form.refused(errors)
        for f in fields:  # a value off a list comes from no option shown: said as the workflow says it
            if f.choices and f.name in form.errors:
                form.errors[f.name] = OFF_THE_LIST
        if "version" in errors:
            form.errors["version"] = gettext(VERSION_MESSAGE)
        return form, None
    if merged_into:
        body["merged_into"] = merged_into
    if action == "assign":
        body["deadlines"] = {key: (body.get("deadlines") or {}).get(key) for key in DEADLINE_KEYS}
    return form, body


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
    "reassign": _l("已改派，新旧主办单位将收到短信"),
    "urge": _l("已催办，责任人将收到短信"),
    "suspend": _l("已挂账，时限和提醒暂停"),
    "resume": _l("已恢复办理"),
    "escalate": _l("已提请上级，时限暂停，反映人将收到短信"),
    "escalation_followup": _l("跟进情况已记录"),
    "escalation_answer": _l("上级答复已记录，问题已退回承办单位继续办理"),
    "instruct": _l("批示已记录"),
    "answer": _l("已答复，反映人将收到短信"),
    "reply": _l("办理结果已答复，反映人将收到短信"),
    "report": _l("办理情况报告已报送主抓县级领导"),
    "visit": _l("回访结果已记录"),
    "unreached": _l("已记录本次回访未联系上"),
    "plan_opinion": _l("反映人的意见已记录"),
    "proceed_plan": _l("已决定按原方案推进，理由已留存"),
    "request_rating": _l("评价短信已发送，反映人回复1、2、3即记为回访评价"),
    "close_off": _l("已销号，理由已留存"),
    "evaluate": _l("整改评估已记录"),
    "reopen": _l("已退回承办单位重办，责任人将收到短信"),
    "publish": _l("已公开公示"),
    "withdraw": _l("已撤回公示，公开页面不再显示该问题"),
    "withhold": _l("已记录不予公开的理由"),
    "recheck": _l("复查结论已记录"),
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
    "reassign": _l("交办有误时改派其他主办单位，新单位重新签收办理；原单位已超过的时限仍计超期。"),
    "urge": _l("向责任人发送催办短信。"),
    "suspend": _l("本县权限内暂时无法解决的问题挂账，时限和提醒暂停。"),
    "resume": _l("恢复办理，时限按挂账天数顺延。"),
    "escalate": _l("超出本县权限的问题提请市、省或国家有关部门解决；提请期间时限暂停，单独统计。"),
    "escalation_followup": _l("记录向上级的催询情况，可重新确定复核日期。"),
    "escalation_answer": _l("记录上级答复后退回承办单位继续办理，时限按提请天数顺延"
                            "（整改评估为“未解决”后提请的，按重办开始新一轮办理）。"),
    "instruct": _l("县级领导对本问题的批示。"),
    "answer": _l("首次答复反映人（可为阶段性答复），按限期回复考核。"),
    "reply": _l("办结后答复办理结果，按限期办结考核；答复后由县营商办回访。"),
    "report": _l("向主抓县级领导报告办理情况，按限期报告考核。"),
    "visit": _l("回访反映人，记录评价。"),
    "unreached": _l("回访时未联系上反映人，记录本次联系情况。"),
    "plan_opinion": _l("反映人通过短信链接或回复短信提出。"),
    "proceed_plan": _l("反映人对办理方案有意见时，由县营商办决定是否按原方案推进"
                        "（承办单位也可修改方案重新征求意见）。"),
    "request_rating": _l("再次请反映人短信评价（退订短信的反映人也会收到）。"),
    "close_off": _l("多次回访未联系上反映人时，由县营商办销号并写明理由。"),
    "evaluate": _l("公示前由县营商办评估整改情况；评估为“未解决”的问题须重办，不能公示。"),
    "reopen": _l("整改评估为“未解决”时退回承办单位重新办理，计入重办次数；超出本县权限的可提请上级。"),
    "publish": _l("在公开页面公示办理结果；须先作整改评估。"),
    "withdraw": _l("将已公示的问题从公开页面撤回，须说明理由。"),
    "withhold": _l("不在公开页面公示，须说明理由。"),
    "recheck": _l("县委督查办对抽查样本中的问题复查；不属实的退回承办单位重新办理，计入该单位成绩单并在擂台赛扣分。"),
}
DANGER_ACTIONS = frozenset({"return", "reject", "withhold", "reopen", "withdraw"})
