"""征求意见: the reporter's page for the lead department's plan, opened from the signed link in
their SMS (no login: the link is the key). Agree, or object with a reason; once per plan."""
from flask import current_app, redirect, render_template, request, url_for

from service.core.errors import Conflict, Invalid
from service.workflow import consultation

from ..context import db, now, workflow_options
from ..limits import limiter
from .forms import OpinionForm
from .site import bp, private


def _limit() -> str:
    return current_app.config["TRACK_RATE_LIMIT"]


def _page(token: str, form: OpinionForm, status: int = 200, problem: str | None = None, saved: bool = False):
    page = consultation.plan_page(db(), current_app.config["SECRET_KEY"], token, now())
    return private((render_template("public/plan.html", page=page, form=form, problem=problem, saved=saved),
                    status))


@bp.get("/plan/<token>")
def plan_opinion(token: str):
    return _page(token, OpinionForm(), saved=request.args.get("saved") == "1")


@bp.post("/plan/<token>")
@limiter.limit(_limit, methods=["POST"])
def plan_opinion_answer(token: str):
    form = OpinionForm()
    if not form.validate_on_submit():
        return _page(token, form, 422)
    try:
        consultation.answer_by_link(db(), current_app.config["SECRET_KEY"], token, form.opinion.data,
                                    form.reason.data, now(), workflow_options())
    except Invalid as exc:
        for key, message in exc.fields.items():
            if key in form:
                form[key].errors = [message]
        return _page(token, form, 422, exc.message)
    except Conflict as exc:
        return _page(token, form, 409, exc.message)
    return redirect(url_for("site.plan_opinion", token=token, saved=1), 303)
