"""系统管理: users, departments, categories, deadline policies, the holiday calendar and SMS texts.

Only administrators change them; the office (coordinator) reads the deadline policies and the
calendar. Each POST is one service call, then back to the page (or the page again with the
form as typed and its errors).
"""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import Schema, fields, validate

from models import CHANNEL_LABELS, ISSUE_TYPE_LABELS, ROLE_LABELS
from service.admin import pages
from service.core.errors import DomainError, Invalid, NotFound
from service.deadlines import calendar as work_calendar
from service.deadlines import policies as policy
from service.identity import directory
from service.intake import categories
from service.reminders import reporter_messages, robots
from service.reminders import sms_texts as templates

from ..context import db, now, today
from ..schemas.admin import CalendarDayIn, PolicyIn, ProviderTemplateIn, TemplateIn
from ..schemas.common import Phone, Text
from ..schemas.directory import DepartmentSchema, UserSchema
from .blueprint import bp
from .formdata import errors_of, load, numbers, or_none, typed
from .session import staff

SECTION_NAV = (
    ("users", "console.admin_users", _l("用户")),
    ("departments", "console.admin_departments", _l("部门")),
    ("categories", "console.admin_categories", _l("问题类别")),
    ("policies", "console.admin_policies", _l("时限规则")),
    ("calendar", "console.admin_calendar", _l("节假日安排")),
    ("templates", "console.admin_templates", _l("短信模板")),
    ("reporter_messages", "console.admin_reporter_messages", _l("反映人短信")),
    ("robots", "console.admin_robots", _l("群机器人")),
)
ROBOT_KINDS = {"dingtalk": _l("钉钉群机器人"), "wecom": _l("企业微信群机器人")}
TEMPLATE_PURPOSES = {
    "assigned_department": _l("交办时发给主办单位责任人"),
    "assigned_co_department": _l("交办时发给协办单位"),
    "registered_reporter": _l("登记后发给反映人（查询编号和链接）"),
    "assigned_reporter": _l("交办时发给反映人（查询编号和链接）"),
    "urged": _l("督查办催办时发给责任人"),
    "consult_reporter": _l("承办单位制定方案后请反映人审阅（同意或有意见）"),
    "consult_objected": _l("反映人对方案有意见时告知承办单位和县营商办"),
    "answered_reporter": _l("承办单位答复（可为阶段性答复）时发给反映人"),
    "replied_reporter": _l("答复后请反映人评价"),
    "merged_outcome": _l("主件办结答复时告知并入该件的重复反映人，并请其评价"),
    "extended_reporter": _l("批准延期后告知反映人新的办结时限"),
    "suspended_reporter": _l("挂账时告知反映人原因和下次告知进展的日期"),
    "escalated_reporter": _l("提请上级时告知反映人原因和下次告知进展的日期"),
    "closed_reporter": _l("办结销号后告知反映人"),
    "rating_request": _l("县营商办手动发送的评价短信（退订的反映人也会收到）"),
    "repeat_outcome": _l("办结答复时告知关联为重复反映的来电人"),
    "extension_decided": _l("延期申请审批结果"),
    "extension_to_leader": _l("再次申请延期时请主抓领导审批"),
    "deadline_set": _l("县营商办重新确定办理时限后告知责任人"),
    "reassigned_away": _l("县营商办改派其他单位后告知原主办单位责任人"),
    "reopened": _l("回访不满意重办时告知责任人（附反映人意见）"),
    "due_soon": _l("时限临近提醒"),
    "due_today": _l("时限当天提醒"),
    "overdue": _l("超期提醒（每个工作日）"),
    "escalation": _l("超期多日后告知主抓领导和督查办"),
    "review_due": _l("挂账、提请上级的问题到复核日时提醒县营商办"),
    "rating_invite": _l("发起企业评议时请企业为办理其问题的部门评分（签名链接）"),
}


class DepartmentEdit(Schema):
    name = Text(64, required=True)
    contact_phone = Phone(load_default=None, allow_none=True)


class CategoryIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$",
                                                                 error="编码只能用字母、数字、- 和 _"))
    name = Text(64, required=True)
    description = Text(300, load_default=None, allow_none=True)
    sort = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
    active = fields.Boolean(load_default=False)


class UserCreate(UserSchema):
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=256, error="密码至少 8 位"))


class PasswordIn(Schema):
    password = fields.String(required=True, validate=validate.Length(min=8, max=256, error="密码至少 8 位"))


def _render(template: str, page, form: str | None = None, values: dict | None = None,
            errors: dict | None = None, status: int = 200, **context):
    return render_template(f"console/admin/{template}.html", page=page, nav=SECTION_NAV, form=form,
                           values=values or {}, errors=errors or {}, roles=ROLE_LABELS,
                           channels=CHANNEL_LABELS, types=ISSUE_TYPE_LABELS, **context), status


def _done(message: str, endpoint: str, **args):
    flash(message, "success")
    return redirect(url_for(endpoint, **args))


# --- users --------------------------------------------------------------------------------------

def _users(form=None, values=None, errors=None, status=200):
    return _render("users", pages.users_page(db(), staff(), today()), form, values, errors, status)


@bp.get("/admin/users")
@login_required
def admin_users():
    return _users()


@bp.post("/admin/users")
@login_required
def admin_user_create():
    values = typed("username", "display_name", "phone", "role", "department_id", "password")
    body, errors = load(UserCreate(), or_none(values))
    if not errors:
        try:
            user = directory.create_user(db(), staff(), **body)
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return _done(gettext("已创建用户 %(name)s", name=user.username), "console.admin_users")
    values.pop("password")
    return _users("create", values, errors, errors.status)


@bp.post("/admin/users/<int:user_id>/active")
@login_required
def admin_user_active(user_id: int):
    active = request.form.get("active") == "1"
    user = directory.set_user_active(db(), staff(), user_id, active)
    message = gettext("已启用 %(name)s", name=user.username) if active else \
        gettext("已停用 %(name)s，其登录已失效", name=user.username)
    return _done(message, "console.admin_users")


@bp.post("/admin/users/<int:user_id>/password")
@login_required
def admin_user_password(user_id: int):
    body, errors = load(PasswordIn(), typed("password"))
    if not errors:
        try:
            user = directory.reset_password(db(), staff(), user_id, body["password"])
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return _done(gettext("已重置 %(name)s 的密码，其登录已失效，请把新密码告诉本人", name=user.username),
                         "console.admin_users")
    return _users(f"user-{user_id}", {}, errors, errors.status)


# --- departments --------------------------------------------------------------------------------

def _departments(form=None, values=None, errors=None, status=200):
    return _render("departments", pages.departments_page(db(), staff(), today()), form, values, errors, status)


@bp.get("/admin/departments")
@login_required
def admin_departments():
    return _departments()


@bp.post("/admin/departments")
@login_required
def admin_department_create():
    values = typed("code", "name", "contact_phone")
    body, errors = load(DepartmentSchema(), or_none(values))
    if not errors:
        try:
            dept = directory.create_department(db(), staff(), body["code"], body["name"],
                                               body.get("contact_phone"), now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return _done(gettext("已新增部门 %(name)s", name=dept.name), "console.admin_departments")
    return _departments("create", values, errors, errors.status)


@bp.post("/admin/departments/<int:dept_id>")
@login_required
def admin_department_edit(dept_id: int):
    values = typed("name", "contact_phone")
    body, errors = load(DepartmentEdit(), or_none(values))
    if not errors:
        try:
            dept = directory.update_department(db(), staff(), dept_id, body["name"], body["contact_phone"])
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return _done(gettext("已保存 %(name)s", name=dept.name), "console.admin_departments")
    return _departments(f"dept-{dept_id}", values, errors, errors.status)


@bp.post("/admin/departments/<int:dept_id>/active")
@login_required
def admin_department_active(dept_id: int):
    active = request.form.get("active") == "1"
    dept = directory.set_department_active(db(), staff(), dept_id, active)
    message = gettext("已启用 %(name)s", name=dept.name) if active else \
        gettext("已停用 %(name)s：不能再向它交办新问题，已交办的问题不受影响", name=dept.name)
    return _done(message, "console.admin_departments")


# --- categories ---------------------------------------------------------------------------------

@bp.get("/admin/categories")
@login_required
def admin_categories():
    return _render("categories", pages.categories_page(db(), staff(), today()))


@bp.post("/admin/categories")
@login_required
def admin_category_save():
    values = {**typed("code", "name", "description", "sort"), "active": request.form.get("active") == "1"}
    form = request.form.get("form", "create")
    body, errors = load(CategoryIn(), or_none({**values, "sort": values["sort"] or "0"}))
    if not errors:
        try:
            save = pages.add_category if form == "create" else categories.save_category
            category = save(db(), staff(), **body)
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return _done(gettext("已保存类别 %(name)s", name=category.name), "console.admin_categories")
    return _render("categories", pages.categories_page(db(), staff(), today()), form, values, errors, errors.status)


# --- deadline policies --------------------------------------------------------------------------

@bp.get("/admin/policies")
@login_required
def admin_policies():
    return _render("policies", pages.policies_page(db(), staff(), today()))


@bp.post("/admin/policies")
@login_required
def admin_policy_save():
    values = typed("issue_type", "channel", "accept_days", "reply_days", "complete_days", "report_after",
                   "visit_after", "visit_attempts", "consult_days")
    data = numbers(or_none(values), *policy.DAY_FIELDS, *policy.OTHER_FIELDS)
    if data["visit_attempts"] is None:
        data.pop("visit_attempts")  # blank: the usual 3
    body, errors = load(PolicyIn(), data)
    if not errors:
        try:
            policy.set_policy(db(), staff(), body, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            return _done(gettext("时限规则已保存，此后交办的问题按新规则预填时限"), "console.admin_policies")
    return _render("policies", pages.policies_page(db(), staff(), today()), "create", values, errors, errors.status)


@bp.post("/admin/policies/<int:policy_id>/delete")
@login_required
def admin_policy_delete(policy_id: int):
    policy.delete_policy(db(), staff(), policy_id)
    return _done(gettext("已删除该规则，恢复按下一级规则计算"), "console.admin_policies")


# --- the holiday calendar -----------------------------------------------------------------------

def _year() -> int | None:
    text = request.values.get("year", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


@bp.get("/admin/calendar")
@login_required
def admin_calendar():
    page = pages.calendar_page(db(), staff(), _year(), today())
    return _render("calendar", page, year=page.extra["year"])


@bp.post("/admin/calendar")
@login_required
def admin_calendar_set():
    values = typed("day", "until", "kind", "note")
    body, errors = load(CalendarDayIn(), or_none({"kind": values["kind"], "note": values["note"],
                                                  "until": values["until"]}))
    try:
        day = date.fromisoformat(values["day"])
    except ValueError:
        errors["day"] = gettext("请选择日期")
    if not errors:
        try:
            work_calendar.set_day(db(), staff(), day, body["kind"], body["note"], now(), until=body["until"])
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            done = (gettext("已设置 %(first)s 至 %(last)s", first=day.isoformat(), last=body["until"].isoformat())
                    if body["until"] and body["until"] != day else gettext("已设置 %(day)s", day=day.isoformat()))
            return _done(done, "console.admin_calendar", year=day.year)
    page = pages.calendar_page(db(), staff(), _year(), today())
    return _render("calendar", page, "create", values, errors, errors.status, year=page.extra["year"])


@bp.post("/admin/calendar/<day>/delete")
@login_required
def admin_calendar_delete(day: str):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise NotFound(gettext("日期格式不对")) from None
    work_calendar.delete_day(db(), staff(), when)
    return _done(gettext("已删除 %(day)s 的手工设置，恢复按国家安排", day=day), "console.admin_calendar",
                 year=when.year)


# --- SMS texts ----------------------------------------------------------------------------------

def _templates(form=None, values=None, errors=None, status=200):
    return _render("templates", pages.templates_page(db(), staff(), today()), form, values, errors, status,
                   purposes=TEMPLATE_PURPOSES, providers=templates.PROVIDERS)


@bp.get("/admin/templates")
@login_required
def admin_templates():
    return _templates()


@bp.post("/admin/templates/<key>")
@login_required
def admin_template_save(key: str):
    values = {"body": request.form.get("body", "")}
    body, errors = load(TemplateIn(), values)
    if not errors:
        try:
            saved = templates.set_template(db(), staff(), key, body["body"], now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("已保存短信模板 %(key)s", key=key), "success")
            if saved["warning"]:
                flash(saved["warning"], "warning")
            return redirect(url_for("console.admin_templates", _anchor=f"t-{key}"))
    return _templates(f"t-{key}", values, errors, errors.status)


@bp.post("/admin/templates/<key>/providers/<provider>")
@login_required
def admin_provider_template_save(key: str, provider: str):
    values = {"template_code": request.form.get("template_code", ""),
              "params": request.form.get("params", "")}
    body, errors = load(ProviderTemplateIn(), {**values, "params": templates.split_names(values["params"])})
    if not errors:
        try:
            if body["template_code"].strip() or body["params"]:
                templates.set_provider_template(db(), staff(), provider, key, body["template_code"],
                                                body["params"], now())
            else:
                templates.clear_provider_template(db(), staff(), provider, key)
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("已保存 %(provider)s 模板 %(key)s", provider=templates.PROVIDERS.get(provider, provider),
                          key=key), "success")
            return redirect(url_for("console.admin_templates", _anchor=f"t-{key}"))
    return _templates(f"p-{provider}-{key}", values, errors, errors.status)


# --- what the reporter hears, per channel --------------------------------------------------------

@bp.get("/admin/reporter-messages")
@login_required
def admin_reporter_messages():
    return _render("reporter_messages", reporter_messages.switch_table(db(), staff()))


@bp.post("/admin/reporter-messages")
@login_required
def admin_reporter_messages_save():
    try:
        reporter_messages.save_switches(db(), staff(), set(request.form.getlist("on")), now())
    except DomainError as exc:
        errors = errors_of(exc)
        return _render("reporter_messages", reporter_messages.switch_table(db(), staff()), "switches", {}, errors,
                       errors.status)
    return _done(gettext("已保存反映人短信的发送设置"), "console.admin_reporter_messages")


# --- group robots -------------------------------------------------------------------------------

def _robots(form=None, values=None, errors=None, status=200):
    return _render("robots", pages.robots_page(db(), staff(), today()), form, values, errors, status,
                   purposes=TEMPLATE_PURPOSES, kinds=ROBOT_KINDS)


@bp.get("/admin/robots")
@login_required
def admin_robots():
    return _robots()


def _robot_values() -> dict:
    return {"department_id": request.form.get("department_id", ""), "kind": request.form.get("kind", ""),
            "name": request.form.get("name", "").strip(), "webhook_url": request.form.get("webhook_url", "").strip(),
            "secret": request.form.get("secret", "").strip(), "templates": request.form.getlist("templates"),
            "active": request.form.get("active", "1") == "1"}


def _save_robot(robot_id: int | None):
    values = _robot_values()
    form = "create" if robot_id is None else f"robot-{robot_id}"
    department_id = numbers(values, "department_id")["department_id"]
    if not isinstance(department_id, int):
        errors = errors_of(Invalid(gettext("请选择部门"), {"department_id": gettext("请选择部门")}))
        return _robots(form, {**values, "webhook_url": "", "secret": ""}, errors, errors.status)
    try:
        robots.save_robot(db(), staff(), now(), robot_id=robot_id, department_id=department_id,
                          kind=values["kind"], name=values["name"], webhook_url=values["webhook_url"],
                          secret=values["secret"] or None, templates=values["templates"], active=values["active"])
    except DomainError as exc:
        # The address and the secret are never sent back to the page, not even when refused.
        errors = errors_of(exc)
        return _robots(form, {**values, "webhook_url": "", "secret": ""}, errors, errors.status)
    return _done(gettext("已保存群机器人 %(name)s", name=values["name"]), "console.admin_robots")


@bp.post("/admin/robots")
@login_required
def admin_robot_create():
    return _save_robot(None)


@bp.post("/admin/robots/<int:robot_id>")
@login_required
def admin_robot_edit(robot_id: int):
    return _save_robot(robot_id)


@bp.post("/admin/robots/<int:robot_id>/delete")
@login_required
def admin_robot_delete(robot_id: int):
    robots.delete_robot(db(), staff(), robot_id)
    return _done(gettext("已删除群机器人"), "console.admin_robots")


@bp.post("/admin/templates/<key>/reset")
@login_required
def admin_template_reset(key: str):
    templates.reset_template(db(), staff(), key)
    return _done(gettext("已恢复内置短信文字"), "console.admin_templates")
