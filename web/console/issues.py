"""Issue list and the issue page: timeline, deadlines, files and the actions one may take now."""
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import Channel, Flag, Status
from service import ledger
from service.core.errors import DomainError, Invalid
from service.intake import photos
from service.matching import similar
from service.matching.suggestions import suggest_for
from service.workflow import attachments, bulk, saved_views
from service.workflow import issue_page as issue_view
from service.workflow import queries as issues
from service.workflow import transition as workflow

from ..context import attachments_dir, calendar, db, now, today, workflow_options
from ..schemas.bulk import ViewIn
from ..schemas.common import max_lengths
from ..schemas.issues import IssueListArgs
from ..security import csrf
from .blueprint import bp
from .formdata import load, search_text
from .issue_forms import ACTION_FIELDS, DANGER_ACTIONS, DONE_MESSAGES, HINTS, StepForm, submitted
from .session import staff

PAGE_SIZE = 50
UPLOAD_LIMIT = attachments.MAX_SIZE + 64 * 1024  # the file and the form around it


SEARCH_MAX = max_lengths(IssueListArgs)["q"]  # the API's, as the search box's maxlength says


def _filters() -> tuple[issues.IssueFilters, dict]:
    """The list's filters from the query string; values we do not know are ignored."""
    args = request.args
    status = args.get("status") if args.get("status") in set(Status) else None
    department = args.get("department", type=int)
    sort = args.get("sort") if args.get("sort") in issues.SORTS else None
    direction = args.get("dir") if args.get("dir") in issues.DIRECTIONS else None
    chosen = {
        "status": status,
        "channel": args.get("channel") if args.get("channel") in set(Channel) else None,
        "flag": args.get("flag") if args.get("flag") in set(Flag) else None,
        "department": department if department and department > 0 else None,
        "q": search_text("q", SEARCH_MAX, _("搜索")) or None,
        "overdue": "1" if args.get("overdue") in ("1", "true") else None,
        "due_this_week": "1" if args.get("due_this_week") in ("1", "true") else None,
        "sort": sort,
        "dir": direction,
    }
    filters = issues.IssueFilters(status=[status] if status else None, channel=chosen["channel"],
                                  flag=chosen["flag"], department_id=chosen["department"], q=chosen["q"],
                                  overdue=bool(chosen["overdue"]), due_this_week=bool(chosen["due_this_week"]),
                                  sort=sort or issues.DEFAULT_SORT,
                                  direction=direction or (issues.DEFAULT_DIRECTION if sort in (None, "created")
                                                          else "asc"))
    chosen["sort"], chosen["dir"] = filters.sort, filters.direction
    return filters, chosen


@bp.get("/issues")
@login_required
def issue_list():
    return _render_list()


def _render_list(*, status: int = 200, view_error: DomainError | None = None, view_name: str = ""):
    """The list with the filters and sort of the address; the views above it."""
    filters, chosen = _filters()
    cursor = request.args.get("cursor") or None
    user = staff()
    page = issues.list_page(db(), user, filters, today=today(), calendar=calendar(),
                            limit=PAGE_SIZE, cursor=cursor)
    query = _query(chosen)
    return render_template("console/issues/list.html", page=page, chosen=chosen, cursor=cursor, search_max=SEARCH_MAX,
                           query=query, statuses=list(Status), channels=list(Channel),
                           views=saved_views.list_views(db(), user), view_max=saved_views.NAME_MAX,
                           view_error=view_error, view_name=view_name,
                           may_urge=bulk.may_take(user, "urge"), may_assign=bulk.may_take(user, "assign"),
                           may_export=ledger.may_export(user), max_selection=bulk.MAX_SELECTION,
                           masked_always=ledger.masked_for(user)), status


def _query(chosen: dict) -> dict:
    """The address of the list as chosen: the default order left out."""
    query = {k: v for k, v in chosen.items() if v}
    if (chosen["sort"], chosen["dir"]) == (issues.DEFAULT_SORT, issues.DEFAULT_DIRECTION):
        query.pop("sort"), query.pop("dir")
    return query


@bp.post("/issues/views")
@login_required
def save_view():
    """保存视图: the list's filters and sort (the address of this form) under a name."""
    chosen = _filters()[1]
    name = request.form.get("name", "")
    try:
        checked, errors = load(ViewIn(), {"name": name})
        if errors:
            raise Invalid(_("视图名称有误"), dict(errors))
        view = saved_views.save_view(db(), staff(), checked["name"], _query(chosen), now())
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _render_list(status=exc.status, view_error=exc, view_name=name)
    flash(_("已保存视图“%(name)s”", name=view.name), "success")
    return redirect(url_for("console.issue_list", **view.query))


@bp.post("/issues/views/<int:view_id>/delete")
@login_required
def delete_view(view_id: int):
    name = saved_views.delete_view(db(), staff(), view_id)
    flash(_("已删除视图“%(name)s”", name=name), "success")
    return redirect(url_for("console.issue_list"))


def _render_issue(issue_id: int, *, failed: StepForm | None = None,
                  error: DomainError | None = None, upload_error: str | None = None, status: int = 200):
    """The issue page; a form that failed keeps what the user typed and shows its errors."""
    view = issue_view.issue_view(db(), staff(), issue_id, now=now(), calendar=calendar())
    forms = {action: failed if failed and failed.action == action else StepForm(action) for action in view.actions}
    if "evaluate" in forms:
        forms["evaluate"].choices["attachment_ids"] = [(a.id, a.filename) for a in view.attachments]
    if view.assign is not None:
        _assign_choices(forms["assign"], view.assign, fresh=not (failed and failed.action == "assign"))
    if view.reassign is not None:
        _reassign_choices(forms["reassign"], view, fresh=not (failed and failed.action == "reassign"))
    suggestions = suggest_for(db(), [view.issue]).get(view.issue.id) if view.assign is not None else None
    like = similar.find_similar(db(), staff(), title=view.issue.title, content=view.issue.content,
                                phone=view.issue.reporter_phone, enterprise_id=view.issue.enterprise_id,
                                org=view.issue.reporter_org, exclude_id=view.issue.id, now=now())
    return render_template("console/issues/detail.html", view=view, issue=view.issue, forms=forms,
                           suggestions=suggestions, similar=like,
                           problems=failed.problems() if failed else [],
                           failed_action=failed.action if failed else None, failed_form=failed,
                           error=error,
                           upload_error=upload_error, hints=HINTS, danger=DANGER_ACTIONS,
                           allowed_files=attachments.ALLOWED_TEXT, previewable=attachments.PREVIEWABLE,
                           accept=",".join(f".{ext}" for ext in attachments.TYPES)), status


def _assign_choices(form: StepForm, options, fresh: bool) -> None:
    departments = [(d.id, d.name) for d in options.departments]
    form.choices = {"lead_department_id": [("", _("请选择")), *departments], "co_department_ids": departments,
                    "lead_leader_id": [("", _("请选择"))] + [(u.id, u.display_name) for u in options.leaders],
                    **_staff_choices(options)}
    if fresh:
        form.values.update({key: value.isoformat() if value else "" for key, value in options.deadlines.items()})
        returned = options.returned
        if returned is not None:
            # after a 退单 the leader and the co-handlers are offered again; the department that
            # returned it is not (its reason usually names another)
            form.values.update({"lead_leader_id": str(returned.lead_leader_id or ""),
                                "co_department_ids": [str(d) for d in returned.co_department_ids
                                                      if d != returned.department_id]})


def _staff_choices(options) -> dict[str, list]:
    """The departments' staff to pick the 责任人 and the co-departments' 经办人 from, each marked
    with the department (the form shows only the chosen departments' people)."""
    names = {d.id: d.name for d in options.departments}
    people = [(u.id, f"{names[dept]} · {u.display_name}", {"data-department": dept})
              for dept, users in options.staff.items() for u in users]
    return {"handler_user_id": [("", _("不选，手工填写责任人")), *people], "co_handler_ids": people}


def _reassign_choices(form: StepForm, view, fresh: bool) -> None:
    """改派 offers the other departments; the lead leader and the co-handlers as they are now."""
    issue = view.issue
    departments = [(d.id, d.name) for d in view.reassign.departments]
    others = [d for d in departments if d[0] != issue.lead_department_id]
    form.choices = {"lead_department_id": [("", _("请选择")), *others],
                    "co_department_ids": departments,
                    "lead_leader_id": [(u.id, u.display_name) for u in view.reassign.leaders],
                    **_staff_choices(view.reassign)}
    if fresh:
        form.values.update({"lead_leader_id": str(issue.lead_leader_id or ""),
                            "co_department_ids": [str(d) for d in view.co_department_ids]})


@bp.get("/issues/<int:issue_id>")
@bp.get("/issues/<issue_code:issue_code>")
@login_required
def issue_page(issue_id: int | None = None, issue_code: str | None = None):
    """By id or by tracking code (`/console/issues/YS2026-000243`, any case, zeros or not); the
    same page and the same 404 for an issue one may not see as for one that does not exist."""
    if issue_id is None:
        issue_id = issues.id_for_code(db(), issue_code or "")
        if issue_id is None:
            abort(404)
    return _render_issue(issue_id)


def _resolve_merged_into(body: dict) -> dict:
    """The reject form names the issue it merges into by its code; the workflow takes its id."""
    code = body.get("merged_into")
    if isinstance(code, str):
        found = issues.id_for_code(db(), code)
        if found is None:
            raise Invalid(_("没有编号为 %(code)s 的问题", code=code), {"merged_into": _("没有这个编号的问题")})
        body["merged_into"] = found
    return body


@bp.post("/issues/<int:issue_id>/actions/<action>")
@login_required
def issue_action(issue_id: int, action: str):
    if action not in ACTION_FIELDS:
        abort(404)
    form, body = submitted(action)
    if body is None:
        error = Invalid(_("请检查标红的内容"))
    else:
        try:
            workflow.transition(db(), staff(), issue_id, action, _resolve_merged_into(body), now(), workflow_options())
        except DomainError as exc:
            error = exc
            form.refused({key: message for key, message in exc.fields.items() if key != "version"})
        else:
            flash(str(DONE_MESSAGES[action]), "success")
            return redirect(url_for("console.issue_page", issue_id=issue_id))
    return _render_issue(issue_id, failed=form, error=error, status=error.status)


# --- attachments --------------------------------------------------------------------------------

def _storage() -> Path:
    return attachments_dir()


@bp.post("/issues/<int:issue_id>/attachments")
@csrf.exempt  # checked below, once the upload limit is raised (the app-wide limit is 1 MB)
@login_required
def upload_attachment(issue_id: int):
    if (request.content_length or 0) > UPLOAD_LIMIT:
        # refused before the body is read: the issue page again, saying why, not an error page
        return _render_issue(issue_id, upload_error=_("文件超过 %(mb)s MB，未能上传，请压缩或拆分后再上传",
                                                      mb=attachments.MAX_SIZE // (1024 * 1024)), status=413)
    request.max_content_length = UPLOAD_LIMIT
    csrf.protect()
    # the file chosen, from the file picker or (on a phone) the camera: the form has both
    upload = next((f for f in request.files.getlist("file") if f.filename), None)
    try:
        attachments.add_attachment(db(), staff(), issue_id, upload.stream if upload else _Empty(),
                                   upload.filename if upload else None, now(), _storage(),
                                   current_app.extensions["ys"]["attachment_quota"])
    except DomainError as exc:
        if exc.status != 422:
            raise
        name = attachments.clean_filename(upload.filename if upload else None)
        reason = exc.fields.get("file", exc.message)
        return _render_issue(issue_id, upload_error=_("“%(name)s”未能上传：%(reason)s", name=name, reason=reason)
                             if name else reason, status=422)
    flash(_("附件“%(name)s”已上传", name=attachments.clean_filename(upload.filename)), "success")
    return redirect(url_for("console.issue_page", issue_id=issue_id) + "#attachments")


class _Empty:
    def read(self, _size: int = -1) -> bytes:
        return b""


@bp.get("/attachments/<int:attachment_id>/view")
@login_required
def view_attachment(attachment_id: int):
    """A picture or a PDF shown in the browser (the issue page's thumbnails, a PDF in a new tab)."""
    attachment, path = attachments.open_preview(db(), staff(), attachment_id, _storage())
    resp = send_file(path, mimetype=attachment.content_type, as_attachment=False,
                     download_name=attachment.filename, max_age=0)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.post("/attachments/<int:attachment_id>/public")
@login_required
def photo_review(attachment_id: int):
    """公开 / 不公开 a photo sent with a public submission (the office)."""
    choice = request.form.get("public")
    if choice not in ("0", "1"):
        raise Invalid(_("请选择公开或不公开"), {"public": _("请选择公开或不公开")})
    photo = photos.review_photo(db(), staff(), attachment_id, choice == "1", now())
    flash(_("照片已公开，将显示在公示页面") if choice == "1" else _("照片设为不公开"), "success")
    return redirect(url_for("console.issue_page", issue_id=photo.issue_id) + "#attachments")


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download_attachment(attachment_id: int):
    attachment, path = attachments.open_attachment(db(), staff(), attachment_id, _storage())
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.filename, max_age=0)
