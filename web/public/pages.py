"""The read pages: the list (filters, search, cursor pages), one issue, the figures, the feed."""
from flask import current_app, make_response, render_template, request

from models import Channel, IssueType
from service.disclosure import photos, public

from ..context import attachments_dir, db, today
from .site import bp, cached, private

MAX_QUERY = 100
PAGE_SIZE = 20


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name, "").strip()
    return value if value in allowed else None


def _number(name: str, low: int, high: int) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and low <= int(value) <= high else None


def _filters() -> public.PublicFilters:
    """The list's filters from the query string; a value that is not one of the choices is
    ignored rather than refused (links get mangled when shared in chat apps)."""
    return public.PublicFilters(
        year=_number("year", 2000, 2100),
        channel=_choice("channel", {c.value for c in Channel}),
        department_id=_number("department", 1, 2**31 - 1),
        type=_choice("type", {t.value for t in IssueType}),
        status=_choice("status", public.STATUS_FILTERS),
        q=request.args.get("q", "").strip()[:MAX_QUERY] or None,
    )


@bp.get("/")
def index():
    filters = _filters()
    cursor = request.args.get("cursor", "").strip()[:100] or None
    data = public.public_listing(db(), filters, today(), limit=PAGE_SIZE, cursor=cursor)
    return cached(render_template("public/list.html", data=data, filters=filters, cursor=cursor),
                  last_modified=data["last_modified"])


@bp.get("/issues/<code>")
def issue(code: str):
    view = public.public_detail(db(), code)
    # the ETag covers the photos: one approved or withdrawn later changes the page
    return cached(render_template("public/issue.html", issue=view, photos=photos.public_photos(db(), view["code"])),
                  last_modified=view["updated_at"])


@bp.get("/issues/<code>/photos/<int:photo_id>")
def issue_photo(code: str, photo_id: int):
    """An approved photo of a published issue, without its GPS data; anything else is 404.
    Never kept by a cache: the office may take it off the page at any time."""
    content_type, data = photos.open_public_photo(db(), code, photo_id, attachments_dir())
    response = make_response(data)
    response.mimetype = content_type
    response.headers["Content-Disposition"] = "inline"
    return private(response)


@bp.get("/figures")
def figures():
    data = public.public_figures(db(), today())
    return cached(render_template("public/figures.html", data=data), max_age=300)


@bp.get("/feed.atom")
def feed():
    data = public.feed(db())
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return cached(render_template("public/feed.atom.xml", data=data, base=base),
                  last_modified=data["updated"], mimetype="application/atom+xml")
