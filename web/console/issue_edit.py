"""修改问题内容: the office corrects an issue's descriptive fields (title, content, category,
township, reporter); each change, before and after, goes on the timeline."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from service.core.errors import DomainError
from service.intake import issues as intake

from ..context import db, now
from ..schemas.common import max_lengths
from ..schemas.issues import IssuePatch
from .blueprint import bp
from .formdata import FormErrors, load
from .issue_forms import LINE, SELECT, TEXT, VERSION_MESSAGE, Field, StepForm
from .session import staff

LIMITS = max_lengths(IssuePatch)  # the API's, which the inputs carry as maxlength
EDIT_FIELDS = (
    Field("title", _l("问题标题"), LINE, required=True, max_len=LIMITS["title"]),
    Field("content", _l("问题内容"), TEXT, required=True, max_len=LIMITS["content"]),
    Field("category", _l("问题类别"), SELECT),
    Field("township", _l("所在镇（街道）"), LINE, max_len=LIMITS["township"]),
    Field("reporter_name", _l("反映人姓名"), LINE, max_len=LIMITS["reporter.name"]),
    Field("reporter_phone", _l("反映人电话"), LINE, max_len=LIMITS["reporter.phone"]),
    Field("reporter_org", _l("单位（企业）"), LINE, max_len=LIMITS["reporter.org"]),
)
# The form's fields under the API's body keys (web/schemas/issues.py IssuePatch).
BODY_KEY = {"title": "title", "content": "content", "category": "category", "township": "township",
            "reporter_name": "reporter.name", "reporter_phone": "reporter.phone", "reporter_org": "reporter.org"}
FIELD_OF = {key: name for name, key in BODY_KEY.items()}
TOWNSHIP = next(f for f in EDIT_FIELDS if f.name == "township")


def _values(issue) -> dict:
    return {"title": issue.title, "content": issue.content, "category": issue.category or "",
            "township": issue.township or "", "reporter_name": issue.reporter_name or "",
            "reporter_phone": issue.reporter_phone or "", "reporter_org": issue.reporter_org or "",
            "version": str(issue.version)}


def _page(issue_id: int, form: StepForm | None = None, error: str | None = None, status: int = 200):
    found = intake.edit_form(db(), staff(), issue_id)
    form = form or StepForm("edit", _values(found.issue), own_fields=EDIT_FIELDS)
    form.choices = {"category": [("", _("（不选）"))] + [(c, c) for c in found.categories]}
    if found.townships:
        names = found.townships + ([found.issue.township] if found.issue.township
                                   and found.issue.township not in found.townships else [])
        form.choices["township"] = [("", _("（不选）"))] + [(n, n) for n in names]
    # the township is picked from the office's list when it keeps one, typed otherwise
    township = Field("township", TOWNSHIP.label, SELECT if found.townships else LINE)
    return render_template("console/issues/edit.html", issue=found.issue, form=form, error=error,
                           township_field=township), status


def _body(values: dict) -> dict:
    """The typed form as the API's PATCH body: an emptied optional field is cleared (None)."""
    body: dict = {"version": values["version"] or None}
    for name, key in BODY_KEY.items():
        value = values[name] or (None if name not in ("title", "content") else "")
        if key.startswith("reporter."):
            body.setdefault("reporter", {})[key.split(".", 1)[1]] = value
        else:
            body[key] = value
    return body


@bp.get("/issues/<int:issue_id>/edit")
@login_required
def issue_edit(issue_id: int):
    return _page(issue_id)


@bp.post("/issues/<int:issue_id>/edit")
@login_required
def issue_edit_save(issue_id: int):
    values = {f.name: request.form.get(f.name, "").strip() for f in EDIT_FIELDS}
    values["version"] = request.form.get("version", "").strip()
    form = StepForm("edit", values, own_fields=EDIT_FIELDS)
    body, errors = load(IssuePatch(), _body(values))
    if not errors:
        try:
            intake.edit_issue(db(), staff(), issue_id, body, now())
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = FormErrors({FIELD_OF.get(k, k): v for k, v in exc.fields.items()}, exc.status)
            if not errors:
                return _page(issue_id, form, exc.message, exc.status)
        else:
            flash(_("问题内容已修改，修改前后的内容已记入办理时间线"), "success")
            return redirect(url_for("console.issue_page", issue_id=issue_id))
    form.errors = FormErrors({FIELD_OF.get(k, k): v for k, v in errors.items()}, errors.status)
    if "version" in form.errors:
        form.errors["version"] = _(VERSION_MESSAGE)
    return _page(issue_id, form, _("未保存，请检查标红的内容"), form.errors.status)
