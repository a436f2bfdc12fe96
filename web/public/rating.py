"""企业评议: the enterprise's page for rating the departments that handled its issues, opened from
the signed link in its SMS (no login: the link is the key). Each department once."""
import re

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from service.assessment import ratings
from service.core.errors import Conflict, Invalid

from ..context import db, now
from ..limits import limiter
from .forms import RatingForm
from .site import bp, private

FIELD = re.compile(r"^(score|comment)_([0-9]{1,9})$")
# models.RATING_SCORE_LABELS as the page shows them (translated)
SCORE_LABELS = {5: _l("很满意"), 4: _l("满意"), 3: _l("一般"), 2: _l("不满意"), 1: _l("很不满意")}


def _limit() -> str:
    return current_app.config["TRACK_RATE_LIMIT"]


def _given() -> dict[int, dict]:
    """{department id: {"score": text, "comment": text}} from the form's score_<id>, comment_<id>."""
    out: dict[int, dict] = {}
    for key, value in request.form.items():
        match = FIELD.match(key)
        if match:
            out.setdefault(int(match[2]), {})[match[1]] = value
    return out


def _page(token: str, form: RatingForm, status: int = 200, problem: str | None = None,
          errors: dict | None = None, given: dict | None = None, saved: bool = False):
    page = ratings.rating_page(db(), current_app.config["SECRET_KEY"], token, now())
    return private((render_template("public/rate.html", page=page, form=form, problem=problem, errors=errors or {},
                                    given=given or {}, saved=saved, labels=SCORE_LABELS,
                                    comment_max=ratings.COMMENT_MAX), status))


@bp.get("/rate/<token>")
def department_rating(token: str):
    return _page(token, RatingForm(), saved=request.args.get("saved") == "1")


@bp.post("/rate/<token>")
@limiter.limit(_limit, methods=["POST"])
def department_rating_answer(token: str):
    form, given = RatingForm(), _given()
    if not form.validate_on_submit():
        return _page(token, form, 422, "页面已过期，请重新提交", given=given)
    try:
        ratings.answer(db(), current_app.config["SECRET_KEY"], token, given, now())
    except Invalid as exc:
        return _page(token, form, 422, exc.message, exc.fields, given)
    except Conflict as exc:
        return _page(token, form, 409, exc.message)
    return redirect(url_for("site.department_rating", token=token, saved=1), 303)
