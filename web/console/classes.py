"""类案: the office groups similar issues into a class; the lead department answers the class."""
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models.permissions import Permission
from service.core.errors import DomainError, Invalid
from service.identity.permissions import may
from service.matching import classes
from service.workflow import queries as issues

from ..context import db, now, workflow_options
from ..limits import record_id, text_problem
from ..schemas.common import PHONE_MAX
from .blueprint import bp
from .session import staff

CODE_SPLIT = re.compile(r"[\s,，、;；]+")


def _page(errors: dict | None = None, values: dict | None = None, message: str | None = None, status: int = 200):
    listed = classes.list_classes(db(), staff())
    departments, leaders = classes.form_choices(db()) if may(staff(), Permission.ISSUE_CLASSES) else ([], [])
    return render_template("console/classes/list.html", listed=listed, errors=errors or {}, values=values or {},
                           limits=LIMITS,
                           message=message, departments=departments, leaders=leaders), status


@bp.get("/classes")
@login_required
def class_list():
    return _page()


CODES_MAX = 2000  # characters of the box of codes
# What the form's boxes take (maxlength): the class title's and the assignment's limits.
LIMITS = {"title": classes.TITLE_MAX, "codes": CODES_MAX, "responsible_person": 64, "responsible_phone": PHONE_MAX}


def _codes(codes: str) -> list[int]:
    """The issues the box of codes names; a box longer than it takes is refused, never cut."""
    found = text_problem(codes, CODES_MAX, lines=True)
    if found:
        raise Invalid(_("问题编号：%(problem)s", problem=found), {"issue_ids": found})
    return _ids(codes)


def _ids(codes: str) -> list[int]:
    found = []
    for code in (c for c in CODE_SPLIT.split(codes or "") if c):
        issue_id = issues.id_for_code(db(), code) if len(code) <= 20 else None
        if issue_id is None:
            raise Invalid(_("没有编号为 %(code)s 的问题", code=code[:20]), {"issue_ids": _("没有这个编号的问题")})
        found.append(issue_id)
    return found


@bp.post("/classes")
@login_required
def class_create():
    form = request.form
    values = {k: form.get(k, "") for k in ("title", "lead_department_id", "lead_leader_id", "responsible_person",
                                            "responsible_phone", "codes")}
    try:
        data = {"title": values["title"],
                "lead_department_id": _record(values["lead_department_id"], "lead_department_id"),
                "lead_leader_id": _record(values["lead_leader_id"], "lead_leader_id"),
                "responsible_person": values["responsible_person"].strip() or None,
                "responsible_phone": values["responsible_phone"].strip() or None,
                "issue_ids": _codes(values["codes"])}
        issue_class = classes.create_class(db(), staff(), data, now(), workflow_options())
    except DomainError as exc:
        errors = {("codes" if k == "issue_ids" else k): v for k, v in exc.fields.items()}
        return _page(errors, values, exc.message, exc.status)
    flash(_("已归并类案“%(title)s”。", title=issue_class.title), "success")
    return redirect(url_for("console.class_list"))


def _record(value: str, name: str) -> int | None:
    if not value:
        return None
    try:
        return record_id(value)
    except (ValueError, TypeError):
        raise Invalid(_("请从列表中选择"), {name: _("请从列表中选择")}) from None


@bp.post("/classes/<int:class_id>/answer")
@login_required
def class_answer(class_id: int):
    try:
        classes.answer_class(db(), staff(), class_id, request.form.get("answer") or "", now(),
                             workflow_options())
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _page({f"answer-{class_id}": exc.fields.get("answer", exc.message)}, dict(request.form), exc.message,
                     exc.status)
    flash(_("已统一答复，类案内的问题均已办结答复并短信告知反映人。"), "success")
    return redirect(url_for("console.class_list"))
