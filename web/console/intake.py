"""话务登记: the hotline desk. One form in the order a call goes; the caller's earlier issues
beside it; the tracking code, large, once saved."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models.permissions import Permission
from service.core.errors import DomainError
from service.enterprises import registry as enterprises
from service.enterprises.townships import township_names
from service.identity import permissions as access
from service.intake import issues as intake_service
from service.matching import repeats, similar
from service.workflow import queries as issues

from ..context import db, now, workflow_options
from .blueprint import bp
from .formdata import id_or_none
from .forms import intake_form, read_intake, read_repeat
from .issue_forms import StepForm
from .session import staff
from .ui import localtime

# Where a field error of the service lands on the form.
FIELD_OF = {"channel": "channel", "meeting_id": "meeting_id", "answer": "answer", "satisfaction": "satisfaction",
            "title": "title", "content": "content", "category": "category", "type": "type",
            "township": "township_pick", "enterprise_id": "enterprise_q", "enterprise": "new_enterprise_code",
            "enterprise.name": "reporter_org", "enterprise.credit_code": "new_enterprise_code",
            "reporter.phone": "reporter_phone", "reporter.name": "reporter_name",
            "reporter.org": "reporter_org", "reporter.kind": "reporter_kind"}


def _meeting_label(meeting) -> str:
    """The meeting's title, with its date in front unless the title already says it."""
    day = localtime(meeting.held_at, "%m-%d")
    month, date_ = (int(part) for part in day.split("-"))
    return meeting.title if f"{month}月{date_}日" in meeting.title else f"{day} {meeting.title}"


def _choices(form: StepForm, defaults: intake_service.IntakeDefaults) -> None:
    form.choices = {
        "meeting_id": [("", _("不属于会议"))] + [
            (m.id, _meeting_label(m), {"data-channel": intake_service.meeting_channel(m) or ""})
            for m in defaults.meetings],
        "category": [("", _("请选择"))] + [(name, name) for name in defaults.categories]}
    names = township_names(db())
    if names:  # the office keeps a list: the township is picked from it
        form.choices["township_pick"] = [("", _("请选择"))] + [(n, n) for n in names]


def _asked_meeting() -> int | None:
    """The meeting whose page the form was opened from (?meeting_id=)."""
    return id_or_none(request.args.get("meeting_id", ""))


def _render(form: StepForm, error: str | None = None, status: int = 200):
    defaults = intake_service.intake_defaults(db(), staff(), now(), _asked_meeting())
    _choices(form, defaults)
    if request.method == "GET":
        form.values.update(channel=defaults.channel, meeting_id=defaults.meeting_id)
    return render_template("console/intake/form.html", form=form, error=error, defaults=defaults), status


@bp.get("/intake")
@login_required
def intake():
    return _render(intake_form())


@bp.post("/intake")
@login_required
def intake_save():
    form, call, (answer, satisfaction) = read_intake(township_listed=bool(township_names(db())))
    if call is None:
        return _render(form, _("请检查标红的内容"), 422)
    try:
        issue = intake_service.record_call(db(), staff(), call, now(), workflow_options(),
                                           answer=answer, satisfaction=satisfaction)
    except DomainError as exc:
        form.errors.update({FIELD_OF[key]: message for key, message in exc.fields.items()
                            if key in FIELD_OF and FIELD_OF[key] not in form.errors})
        return _render(form, exc.message, exc.status)
    return redirect(url_for("console.intake_saved", issue_id=issue.id))


@bp.get("/intake/saved/<int:issue_id>")
@login_required
def intake_saved(issue_id: int):
    return render_template("console/intake/saved.html", issue=issues.get_visible(db(), staff(), issue_id))


@bp.get("/intake/caller")
@login_required
def intake_caller():
    """The caller's earlier issues (htmx fragment beside the form)."""
    phone = request.args.get("phone") or request.args.get("reporter_phone") or ""
    earlier = intake_service.earlier_by_phone(db(), phone[:20], limit=10, actor=staff())
    known = enterprises.known_caller(db(), phone[:20])
    return render_template("console/intake/_caller.html", phone=phone.strip(), earlier=earlier, known=known)


@bp.get("/intake/enterprises")
@login_required
def intake_enterprises():
    """企业库 type-ahead (htmx fragment under the search box): by name or credit code."""
    access.require(staff(), Permission.ISSUE_CREATE)
    q = (request.args.get("enterprise_q") or "")[:200].strip()
    rows = enterprises.search(db(), staff(), q, limit=8) if q else []
    return render_template("console/intake/_enterprises.html", q=q, rows=rows)


def _typed_enterprise() -> int | None:
    value = request.values.get("enterprise_id", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.get("/intake/similar")
@login_required
def intake_similar():
    """相似问题 (htmx fragment beside the form, while the operator types): the open and recent
    issues like this call, each with why; a likely repeat is linked with one click."""
    access.require(staff(), Permission.ISSUE_CREATE)
    title = (request.args.get("title") or "")[:200]
    content = (request.args.get("content") or "")[:2000]
    phone = (request.args.get("reporter_phone") or "")[:20]
    found = similar.find_similar(db(), staff(), title=title, content=content, phone=phone,
                                 enterprise_id=_typed_enterprise(), org=(request.args.get("reporter_org") or "")[:200],
                                 now=now())
    return render_template("console/intake/_similar.html", found=found, typed=bool(title.strip() or content.strip()))


@bp.post("/intake/repeat/<int:issue_id>")
@login_required
def intake_repeat(issue_id: int):
    """重复反映: the call on the form is linked to `issue_id` instead of becoming a new issue."""
    call, errors = read_repeat()
    form = intake_form({k: request.form.get(k, "") for k in request.form}, errors)
    if call is None:
        return _render(form, _("请检查标红的内容"), 422)
    try:
        repeats.link_repeat(db(), staff(), issue_id, call, now())
    except DomainError as exc:
        form.errors.update({FIELD_OF[key]: message for key, message in exc.fields.items() if key in FIELD_OF})
        return _render(form, exc.message, exc.status)
    issue = issues.get_visible(db(), staff(), issue_id)
    flash(_("已作为重复反映关联到 %(code)s，办结答复时将短信告知来电人。", code=issue.code), "success")
    return redirect(url_for("console.issue_page", issue_id=issue_id))
