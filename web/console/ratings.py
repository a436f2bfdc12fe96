"""企业评议 in the console: the rounds with their figures and, for the office, the form that opens
one over a finished period (each enterprise that dealt with departments in it gets an SMS
link); a round's results per department, and for the office which enterprise said what. The
rules are service.assessment.ratings'."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from models import RATING_SCORES
from models.permissions import Permission
from service.assessment import ratings
from service.core.errors import DomainError
from service.identity import permissions as access

from ..context import db, fresh_calendar, now, state
from ..schemas.ratings import RoundIn
from .blueprint import bp
from .formdata import FormErrors, errors_of, load, or_none, typed
from .reports import _xlsx
from .session import staff

ROUND_FIELDS = ("from", "to", "answer_by", "title")


def _index(values: dict | None = None, errors: FormErrors | None = None, status: int = 200):
    me = staff()
    rows = ratings.rounds(db(), me)
    return render_template("console/ratings/index.html", rows=rows, code=ratings.round_code,
                           may_run=access.may(me, Permission.RATING_RUN), values=values or {},
                           errors=errors or FormErrors(), title_max=ratings.TITLE_MAX,
                           answer_days=ratings.ANSWER_DAYS), status


@bp.get("/ratings")
@login_required
def ratings_index():
    return _index()


@bp.post("/ratings")
@login_required
def rating_open():
    access.require(staff(), Permission.RATING_RUN)   # who may is checked before what was sent
    values = typed(*ROUND_FIELDS)
    body, errors = load(RoundIn(), or_none(values))
    if not errors:
        try:
            rnd = ratings.open_round(db(), staff(), body["from_"], body["to"], body["answer_by"], body["title"],
                                     now(), fresh_calendar(), state()["public_base"],
                                     current_app.config["SECRET_KEY"])
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("已发起%(code)s“%(title)s”，评议短信已排队发送", code=ratings.round_code(rnd),
                          title=rnd.title), "success")
            return redirect(url_for("console.rating_round", round_id=rnd.id))
    return _index(values, errors, errors.status)


def _detail(round_id: int) -> ratings.RoundDetail:
    return ratings.round_detail(db(), staff(), round_id, now())


def _round_page(round_id: int, problem: str | None = None, status: int = 200):
    detail = _detail(round_id)
    return render_template("console/ratings/round.html", d=detail, code=ratings.round_code(detail.round),
                           scores=sorted(RATING_SCORES, reverse=True), low=ratings.LOW,
                           score_label=ratings.score_label, problem=problem), status


@bp.get("/ratings/<int:round_id>")
@login_required
def rating_round(round_id: int):
    return _round_page(round_id)


@bp.post("/ratings/<int:round_id>/reminders")
@login_required
def rating_remind(round_id: int):
    """The link sent again to the enterprises that have not rated every department yet."""
    try:
        queued = ratings.remind(db(), staff(), round_id, now(), state()["public_base"],
                                current_app.config["SECRET_KEY"])
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _round_page(round_id, exc.message, exc.status)
    if queued:
        flash(gettext("已向%(n)s家尚未评完的企业再次发送评议短信", n=queued), "success")
    else:
        flash(gettext("没有需要提醒的企业：都已评完，或今天已提醒过（同一企业每天至多提醒一次）"), "info")
    return redirect(url_for("console.rating_round", round_id=round_id))


@bp.get("/ratings/<int:round_id>.xlsx")
@login_required
def rating_round_xlsx(round_id: int):
    detail = _detail(round_id)
    code = ratings.round_code(detail.round)
    return _xlsx(ratings.round_workbook(detail), f"企业评议-{code}.xlsx", f"rating-{code}.xlsx")
