"""The reporter's pages: tracking one's own issue (code + last 4 digits of the phone) and
raising a new one (网上反映). Both are forms with CSRF tokens and per-client rate limits."""
from flask import current_app, redirect, render_template, request, session, url_for
from wtforms.fields.choices import SelectChoice

from service.core.errors import Invalid, NotFound
from service.disclosure import public
from service.intake import categories, online
from service.intake.photos import MAX_PHOTOS
from service.workflow.attachments import MAX_SIZE

from ..context import attachments_dir, db, now, workflow_options
from ..limits import limiter
from ..security import csrf
from . import challenge
from .forms import SubmitForm, TrackForm
from .site import bp, private


def _track_limit() -> str:
    return current_app.config["TRACK_RATE_LIMIT"]


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


@bp.route("/track", methods=["GET", "POST"])
# One budget per client with POST /api/v1/public/track: two doors, one lock.
@limiter.shared_limit(_track_limit, scope="track", methods=["POST"])
def track():
    form = TrackForm()
    if request.method == "GET":
        form.code.data = request.args.get("code", "").strip()[:20]
        return private(render_template("public/track.html", form=form))
    if not form.validate_on_submit():
        return private((render_template("public/track.html", form=form), 422))
    try:
        tracked = public.track(db(), form.code.data, form.phone_last4.data)
    except NotFound as exc:
        # The same words for an unknown code and for wrong digits.
        return private((render_template("public/track.html", form=form, not_found=exc.message), 404))
    return private(render_template("public/track.html", form=form, tracked=tracked))


def _submit_page(form: SubmitForm, status: int = 200, problem: str | None = None, photo_error: str | None = None):
    form.category.choices = [SelectChoice("", "请选择")] + [SelectChoice(c.code, c.name)
                                                          for c in categories.list_categories(db())]
    question, form.challenge.data = challenge.ask()
    form.answer.data = ""
    return private((render_template("public/submit.html", form=form, question=question, problem=problem,
                                    photo_error=photo_error, max_photos=MAX_PHOTOS), status))


# up to 3 photos of 10 MB and the form around them (the app-wide limit is 1 MB)
SUBMIT_UPLOAD_LIMIT = MAX_PHOTOS * MAX_SIZE + 64 * 1024


@bp.route("/submit", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the upload limit is raised
@limiter.limit(_submit_limit, methods=["POST"])
def submit():
    if request.method == "POST":
        request.max_content_length = SUBMIT_UPLOAD_LIMIT
        csrf.protect()
    form = SubmitForm()
    if request.method == "GET":
        return _submit_page(form)
    if not form.validate_on_submit():
        return _submit_page(form, 422)
    problem = challenge.check(form.challenge.data, form.answer.data)
    if problem:
        form.answer.errors = [problem]
        return _submit_page(form, 422, problem)
    try:
        issue = online.submit_online(db(), {
            "title": form.title.data, "content": form.content.data, "category": form.category.data,
            "type": form.type.data, "township": form.township.data, "name": form.name.data,
            "org": form.org.data, "consent_public": form.consent_public.data, "phone": form.phone.data,
        }, now(), track_url=workflow_options().track_url,
            photos=[(f.filename, f.stream) for f in request.files.getlist("photos")], storage_dir=attachments_dir())
    except Invalid as exc:
        for key, message in exc.fields.items():
            if key in form:
                form[key].errors = [message]
        return _submit_page(form, 422, exc.message, photo_error=exc.fields.get("photos"))
    session["submitted_code"] = issue.code
    return redirect(url_for("site.submitted"), 303)


@bp.get("/submit/done")
def submitted():
    code = session.pop("submitted_code", None)
    if not code:
        return redirect(url_for("site.submit"))
    return private(render_template("public/submitted.html", code=code))
