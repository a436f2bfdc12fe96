"""公示批次: the batch's public page (printable) and the objections (异议) raised on it."""
from flask import current_app, redirect, render_template, request, url_for

from service.core.errors import Conflict, Invalid
from service.disclosure import batches

from ..context import db, now, today
from ..limits import limiter
from .forms import ObjectionForm
from .site import bp, private


def _objection_limit() -> str:
    # the same budget per client as the online submission (/submit)
    return current_app.config["SUBMIT_RATE_LIMIT"]


def _page(batch_id: int, form: ObjectionForm, status: int = 200, problem: str | None = None):
    page = batches.batch_page(db(), batch_id, today())
    return private((render_template("public/batch.html", page=page, form=form, problem=problem,
                                    sent=request.args.get("sent") == "1"), status))


@bp.get("/batches/<int:batch_id>")
def batch(batch_id: int):
    return _page(batch_id, ObjectionForm(formdata=None))


@bp.post("/batches/<int:batch_id>/objections")
@limiter.limit(_objection_limit)
def objection(batch_id: int):
    form = ObjectionForm()
    if not form.validate_on_submit():
        return _page(batch_id, form, 422, "请检查标红的内容")
    try:
        batches.raise_objection(db(), batch_id, {k: form[k].data for k in ("issue_code", "content", "name", "phone")},
                                now())
    except Invalid as exc:   # nothing was written: the service checks before it adds
        for key, message in exc.fields.items():
            if key in form:
                form[key].errors = [message]
        return _page(batch_id, form, 422, exc.message)
    except Conflict as exc:   # outside the 公示期
        return _page(batch_id, form, 409, exc.message)
    return redirect(url_for("site.batch", batch_id=batch_id, sent=1) + "#objections", 303)
