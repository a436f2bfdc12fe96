"""The console's own form schemas: sign-in, password, two-factor code and the hotline desk.
Every console form is a plain HTML form read into a marshmallow schema and carries its CSRF
token (CSRFProtect checks every POST); the issue page's step forms are the API's schemas
(web/console/issue_forms.py)."""
from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validates_schema

from models import CHANNEL_LABELS, ISSUE_TYPE_LABELS, Channel, IssueType
from service.core import text_rules
from service.workflow.transition import OFF_THE_LIST

from ..limits import record_id, text_problem
from ..schemas.actions import ACTION_SCHEMAS
from ..schemas.common import PHONE_RE, max_lengths
from ..schemas.issues import IssueCreate
from .formdata import FormErrors, id_or_none, load
from .issue_forms import CHECK, LINE, SELECT, SPOT_SATISFACTION, TEXT, Field, StepForm
from .ui import REPORTER_KIND_LABELS

PHONE_MESSAGE = _l("请填写 11 位手机号或带区号的固定电话")


def _filled(message):
    """A required field: the message (in the reader's language) when it is left empty."""
    def check(value: str) -> None:
        if not value.strip():
            raise ValidationError(str(message))
    return check


def _at_most(max_len: int):
    def check(value: str) -> None:
        if len(value) > max_len:
            raise ValidationError(gettext(text_rules.TOO_LONG_MESSAGE, max=max_len, length=len(value)))
    return check


def _entered(message, max_len: int, *more) -> fields.String:
    return fields.String(load_default="", validate=[_filled(message), _at_most(max_len), *more])


class LoginBody(Schema):
    """工作人员登录."""
    username = _entered(_l("请填写用户名"), 64)
    password = _entered(_l("请填写密码"), 256)


class PasswordBody(Schema):
    """修改密码: the new one twice."""
    current_password = _entered(_l("请填写当前密码"), 256)
    new_password = fields.String(load_default="")
    confirm = fields.String(load_default="")

    @validates_schema(skip_on_field_errors=False)
    def _new_password(self, data: dict, **_kw) -> None:
        new = data["new_password"]
        errors = {}
        if not new.strip():
            errors["new_password"] = str(_l("请填写新密码"))
        elif not 8 <= len(new) <= 256:
            errors["new_password"] = str(_l("新密码至少 8 位"))
        if data["confirm"] != new:
            errors["confirm"] = str(_l("两次输入的新密码不一致"))
        if errors:
            raise ValidationError(errors)


class CodeBody(Schema):
    """A code of the authenticator app."""
    code = _entered(_l("请填写验证器 App 上的 6 位验证码"), 16)


# The labels of the sign-in forms' fields.
LABELS = {"username": _l("用户名"), "password": _l("密码"), "current_password": _l("当前密码"),
          "new_password": _l("新密码"), "confirm": _l("再次输入新密码"), "code": _l("验证码")}


# --- the hotline desk (话务登记) ----------------------------------------------------------------

# The API's limits (web/schemas/issues.py), which the inputs carry as maxlength.
ISSUE_LIMITS = max_lengths(IssueCreate)

INTAKE_FIELDS = (
    Field("reporter_phone", _l("来电号码"), LINE, max_len=ISSUE_LIMITS["reporter.phone"]),
    Field("reporter_name", _l("姓名"), LINE, max_len=ISSUE_LIMITS["reporter.name"]),
    Field("reporter_org", _l("单位（企业）"), LINE, max_len=ISSUE_LIMITS["reporter.org"]),
    Field("reporter_kind", _l("反映人身份"), SELECT, choices=tuple(REPORTER_KIND_LABELS.items())),
    Field("reporter_consent_public", _l("同意公开企业名称"), CHECK),
    Field("channel", _l("来源渠道"), SELECT, choices=tuple((c.value, CHANNEL_LABELS[c]) for c in Channel)),
    Field("meeting_id", _l("所属会议"), SELECT),
    Field("type", _l("诉求类型"), SELECT, choices=tuple((t.value, ISSUE_TYPE_LABELS[t]) for t in IssueType)),
    Field("category", _l("问题类别"), SELECT),
    Field("township", _l("所在镇（街道）"), LINE, max_len=ISSUE_LIMITS["township"]),
    # the township from the office's list, when it keeps one (then `township` is not shown)
    Field("township_pick", _l("所在镇（街道）"), SELECT),
    # 企业库: an enterprise picked by name or code (type-ahead, its id in a hidden field), or a new
    # one made from the organisation typed, with its credit code
    Field("enterprise_q", _l("企业库（名称或信用代码）"), LINE),
    Field("new_enterprise", _l("把该单位新建到企业库"), CHECK),
    Field("new_enterprise_code", _l("统一社会信用代码"), LINE),
    Field("title", _l("问题标题"), LINE, required=True, max_len=ISSUE_LIMITS["title"]),
    Field("content", _l("问题内容"), TEXT, required=True, max_len=ISSUE_LIMITS["content"]),
    Field("answered_on_spot", _l("已当场答复"), CHECK),
    Field("answer", _l("答复内容"), TEXT, max_len=max_lengths(ACTION_SCHEMAS["answer_on_spot"])["answer"]),
    Field("satisfaction", _l("反映人当场评价"), SELECT, choices=SPOT_SATISFACTION),
)
INTAKE_DEFAULTS = {"reporter_kind": "enterprise", "type": "help"}


def _text_rule(max_len: int, lines: bool):
    def check(value: str) -> None:
        found = text_problem(value, max_len, lines)
        if found:
            raise ValidationError(found)
    return check


def _one_of(values):
    def check(value: str) -> None:
        if value not in values:
            raise ValidationError(OFF_THE_LIST)
    return check


def _phone(value: str) -> None:
    if not PHONE_RE.match(value):
        raise ValidationError(str(PHONE_MESSAGE))


def _record(value: str) -> None:
    try:
        record_id(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _typed(max_len: int, lines: bool = False, *more) -> fields.String:
    return fields.String(load_default=None, validate=[_text_rule(max_len, lines), *more])


class IntakeBody(Schema):
    """A call as typed at the desk; empty fields are left out."""
    reporter_phone = fields.String(load_default=None, validate=_phone)
    reporter_name = _typed(64)
    reporter_org = _typed(200)
    reporter_kind = fields.String(load_default="enterprise", validate=_one_of(REPORTER_KIND_LABELS))
    reporter_consent_public = fields.Boolean(load_default=False)
    channel = fields.String(load_default=None, validate=_one_of({c.value for c in Channel}))
    meeting_id = fields.String(load_default=None, validate=_record)
    type = fields.String(load_default="help", validate=_one_of({t.value for t in IssueType}))
    category = fields.String(load_default=None)
    township = _typed(64)
    township_pick = _typed(64)
    enterprise_q = _typed(200)
    new_enterprise = fields.Boolean(load_default=False)
    new_enterprise_code = _typed(40)
    title = fields.String(required=True, validate=_text_rule(200, False),
                          error_messages={"required": _l("请填写问题标题")})
    content = fields.String(required=True, validate=_text_rule(5000, True),
                            error_messages={"required": _l("请填写问题内容")})
    answered_on_spot = fields.Boolean(load_default=False)
    answer = _typed(5000, True)
    satisfaction = fields.String(load_default=None)


class RepeatBody(Schema):
    """A call linked to an issue already on record (重复反映): who called, how, and what they said."""
    reporter_phone = fields.String(load_default=None, validate=_phone)
    reporter_name = _typed(64)
    reporter_org = _typed(200)
    channel = fields.String(load_default=None, validate=_one_of({c.value for c in Channel}))
    enterprise_id = fields.String(load_default=None, validate=_record)
    content = _typed(5000, True)


REPEAT_FIELDS = ("reporter_phone", "reporter_name", "reporter_org", "channel", "enterprise_id", "content")


def read_repeat() -> tuple[dict | None, FormErrors]:
    """The call for service.matching.repeats.link_repeat from the desk's form (its other fields
    are not needed), or None and the errors by field."""
    present = {k: request.form[k].strip() if k in ("reporter_phone", "content") else request.form[k]
               for k in REPEAT_FIELDS if request.form.get(k, "").strip()}
    body, errors = load(RepeatBody(), present)
    if errors:
        return None, errors
    return {"channel": body["channel"], "content": body["content"], "enterprise_id": record_id(body["enterprise_id"]),
            "reporter": {"phone": body["reporter_phone"], "name": body["reporter_name"],
                         "org": body["reporter_org"]}}, errors


def intake_form(values: dict | None = None, errors: FormErrors | None = None) -> StepForm:
    return StepForm("intake", values if values is not None else dict(INTAKE_DEFAULTS), errors or FormErrors(),
                    own_fields=INTAKE_FIELDS)


def _enterprise(values: dict, body: dict) -> dict:
    """The enterprise of the call: the one picked in the type-ahead, or a new one made from the
    organisation typed (with its credit code), or none."""
    picked = id_or_none(values.get("enterprise_id"))
    if picked is not None:
        return {"enterprise_id": picked}
    if body["new_enterprise"]:
        return {"enterprise": {"name": (values.get("reporter_org") or "").strip(),
                               "credit_code": (body["new_enterprise_code"] or "").strip() or None}}
    return {}


def read_intake(township_listed: bool = False) -> tuple[StepForm, dict | None, tuple[str | None, str | None]]:
    """The desk's form as typed; the call for service.intake.record_call (None when a field is
    wrong: the errors are on the form); and (answer, satisfaction) when answered on the spot.
    `township_listed`: the office keeps a township list, so the township is the one picked."""
    values = {f.name: (f.name in request.form and request.form[f.name] not in ("", "false")) if f.kind == CHECK
              else request.form.get(f.name, "") for f in INTAKE_FIELDS}
    values["enterprise_id"] = request.form.get("enterprise_id", "")
    present = {k: (v.strip() if k in ("reporter_phone", "title", "content", "township", "township_pick") else v)
               for k, v in values.items() if k != "enterprise_id" and (not isinstance(v, str) or v.strip())}
    body, errors = load(IntakeBody(), present)
    form = intake_form(values, errors)
    if errors:
        for name in ("title", "content"):
            if name in errors and not values[name].strip():
                errors[name] = gettext("请填写问题标题") if name == "title" else gettext("请填写问题内容")
        return form, None, (None, None)
    call = {
        "title": body["title"], "content": body["content"], "channel": body["channel"],
        "meeting_id": record_id(body["meeting_id"]), "type": body["type"], "category": body["category"],
        "township": body["township_pick"] if township_listed else body["township"],
        **_enterprise(values, body),
        # name and organisation as typed: one of only spaces is refused (service.intake), not dropped
        "reporter": {"phone": body["reporter_phone"], "name": values["reporter_name"] or None,
                     "org": values["reporter_org"] or None, "kind": body["reporter_kind"],
                     "consent_public": body["reporter_consent_public"]},
    }
    if not body["answered_on_spot"]:
        return form, call, (None, None)
    return form, call, ((body["answer"] or "").strip(), body["satisfaction"] or None)
