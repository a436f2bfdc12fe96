"""公示批次 for the office: the batches with their open objections, a new batch made of one
meeting's or one period's published issues, a batch's objections answered on record, and the
batch printed for the notice board. The rules are service.disclosure.batches'."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import login_required

from service.core.errors import DomainError, NotFound
from service.disclosure import batches

from ..context import db, now, today
from ..schemas.disclosure import AnswerIn, BatchIn
from .blueprint import bp
from .formdata import FormErrors, errors_of, load, numbers, or_none, typed
from .session import staff

BATCH_FIELDS = ("title", "starts_on", "ends_on", "way", "meeting_id", "published_from", "published_to")
WAYS = ("meeting", "period")


def _list(values: dict | None = None, errors: FormErrors | None = None, status: int = 200):
    return render_template("console/batches/list.html", rows=batches.batch_list(db(), staff()),
                           meetings=batches.meeting_choices(db(), staff()), values=values or {"way": "meeting"},
                           errors=errors or FormErrors()), status


@bp.get("/batches")
@login_required
def batch_list():
    return _list()


def _chosen(body: dict, way: str) -> dict:
    """The loaded form as the service takes it: the title, the 公示期 and the one way chosen
    (every field was checked for its shape, the other way's too)."""
    data = {k: body[k] for k in ("title", "starts_on", "ends_on")}
    if way == "meeting":
        data["meeting_id"] = body["meeting_id"]
    else:
        data.update(published_from=body["published_from"], published_to=body["published_to"])
    return data


@bp.post("/batches")
@login_required
def batch_create():
    batches.may_manage(staff())   # who may is checked before what was sent
    values = typed(*BATCH_FIELDS)
    body, errors = load(BatchIn(), numbers(or_none({k: v for k, v in values.items() if k != "way"}), "meeting_id"))
    if not errors:
        if values["way"] not in WAYS:
            errors = FormErrors({"way": gettext("请选择按会议还是按发布日期选取问题")})
        else:
            try:
                batch = batches.create_batch(db(), staff(), _chosen(body, values["way"]), now())
            except DomainError as exc:
                errors = errors_of(exc)
            else:
                flash(gettext("公示批次已建立，公示期内公众可在公示页面提出异议。"), "success")
                return redirect(url_for("console.batch_page", batch_id=batch.id))
    if "issue_ids" in errors:   # no way chosen: the form's radio buttons
        errors["way"] = errors.pop("issue_ids")
    return _list(values, errors, errors.status)


def _page(batch_id: int, answers: dict | None = None, errors: dict | None = None, status: int = 200):
    office = batches.office_batch(db(), staff(), batch_id, today())
    problem = next((e.get("_form") for e in (errors or {}).values() if e.get("_form")), None)
    return render_template("console/batches/page.html", office=office, page=office.page,
                           answers=answers or {}, errors=errors or {}, problem=problem), status


@bp.get("/batches/<int:batch_id>")
@login_required
def batch_page(batch_id: int):
    return _page(batch_id)


@bp.post("/batches/<int:batch_id>/objections/<int:objection_id>/answer")
@login_required
def objection_answer(batch_id: int, objection_id: int):
    found = {o.id: o for o in batches.objections(db(), staff(), batch_id)}
    if objection_id not in found:   # the address names the batch: an objection of another is not here
        raise NotFound(gettext("没有这条异议"))
    answer = typed("answer")["answer"]
    body, errors = load(AnswerIn(), or_none({"answer": answer}))
    if not errors:
        try:
            batches.answer_objection(db(), staff(), objection_id, body["answer"], now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("答复已保存，并已在公示页面公布。"), "success")
            return redirect(url_for("console.batch_page", batch_id=batch_id) + f"#objection-{objection_id}")
    return _page(batch_id, {objection_id: answer}, {objection_id: errors}, errors.status)


@bp.get("/batches/<int:batch_id>/print")
@login_required
def batch_print(batch_id: int):
    batches.may_manage(staff())
    return render_template("console/batches/print.html", page=batches.batch_page(db(), batch_id, today()),
                           printed_on=today())
