"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): services are the issue
categories, requests are published issues read through the one public query and the one
masking view, and a POSTed request becomes an issue in `collected` with channel `online`.

The web layer (web/open311.py) only parses and formats; what is returned and who may post is
decided here.
"""
import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import Category, Channel, Issue, Status
from models.permissions import Permission
from service.core import text_rules
from service.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound
from service.core.masking import is_blank
from service.deadlines.calendar import LOCAL_TZ
from service.disclosure.public import _views, public_issues
from service.identity import permissions as access
from service.identity.sessions import user_for_token
from service.intake.categories import get_by_code, list_categories
from service.intake.issues import create_issue

WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
# Each public status as Open311 names it; GETs see only public statuses.
OPEN311_STATUS = {Status.PUBLISHED: "closed"}
MAX_DESCRIPTION = 4000


def services(session: Session) -> list[dict]:
    return [{"service_code": c.code, "service_name": c.name, "description": c.description or c.name,
             "metadata": False, "type": "realtime", "keywords": "", "group": ""}
            for c in list_categories(session)]


def service_definition(session: Session, service_code: str) -> dict:
    """No category asks for extra attributes (`metadata` is false), so the list is empty."""
    category = get_by_code(session, service_code)
    if not category.active:
        raise NotFound("没有这个问题类别", code="category_not_found")
    return {"service_code": category.code, "attributes": []}


def _deadline(day: str | None) -> str | None:
    """A completion deadline is a date; it is met until the end of that day, county time."""
    if not day:
        return None
    end = datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=LOCAL_TZ)
    return end.isoformat()


def _w3c(moment: str | None) -> str | None:
    """ISO 8601 with the county's offset and whole seconds: 2026-11-23T10:15:30+08:00."""
    return datetime.fromisoformat(moment).replace(microsecond=0).isoformat() if moment else None


def _request(view: dict, codes: dict[str, str]) -> dict:
    """One published issue in GeoReport v2 fields, built from its public view only."""
    return {
        "service_request_id": view["code"],
        "status": OPEN311_STATUS.get(view["status"], "open"),
        "status_notes": view["result"] or view["status_label"],
        "service_name": view["category"],
        "service_code": codes.get(view["category"] or ""),
        "description": view["summary"] or view["title"],
        "agency_responsible": view["department"],
        "service_notice": None,
        "requested_datetime": _w3c(view["created_at"]),
        "updated_datetime": _w3c(view["updated_at"]),
        "expected_datetime": _deadline(view["complete_due"]),
        "address": view["township"],
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _category_codes(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.name, Category.code)).all())


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def requests(session: Session, now: datetime, *, service_request_id: str | None = None,
             service_code: str | None = None, start: datetime | None = None,
             end: datetime | None = None, status: str | None = None) -> list[dict]:
    """GET requests: by id (comma-separated, overriding every other filter), or by service
    codes, statuses and a window of `requested_datetime` of at most 90 days (the last 90 days
    by default); at most 1,000, newest first."""
    stmt = public_issues()
    ids = _split(service_request_id)
    if ids:
        stmt = stmt.where(Issue.code.in_([i.upper() for i in ids[:MAX_REQUESTS]]))
    else:
        if start and end and end < start:
            raise Invalid("end_date 不能早于 start_date", {"end_date": "早于 start_date"})
        if start is None and end is None:
            end = now
        if start is None:
            start = end - WINDOW
        if end is None:
            end = min(now, start + WINDOW)
        if end - start > WINDOW:
            raise Invalid("start_date 与 end_date 相隔不能超过 90 天", {"start_date": "超过 90 天"})
        stmt = stmt.where(Issue.created_at >= start, Issue.created_at <= end)
        codes = _split(service_code)
        if codes:
            names = list(session.execute(select(Category.name).where(Category.code.in_(codes))).scalars())
            stmt = stmt.where(Issue.category.in_(names))
        wanted = set(_split(status))
        if wanted - {"open", "closed"}:
            raise Invalid("status 只能是 open 或 closed", {"status": "open 或 closed"})
        if wanted:
            statuses = [s for s, name in OPEN311_STATUS.items() if name in wanted]
            stmt = stmt.where(Issue.status.in_(statuses))
    return _fetch(session, stmt)


def _fetch(session: Session, stmt) -> list[dict]:
    rows = list(session.execute(stmt.order_by(Issue.id.desc()).limit(MAX_REQUESTS)).scalars())
    codes_by_name = _category_codes(session)
    return [_request(v, codes_by_name) for v in _views(session, rows)]


def request(session: Session, service_request_id: str) -> dict:
    """GET requests/{id}: one published issue, or NotFound (also for any unpublished one)."""
    code = service_request_id.strip().upper()
    found = _fetch(session, public_issues().where(Issue.code == code)) if code.isascii() else []
    if not found:
        raise NotFound("没有找到该公示问题", code="issue_not_found")
    return found[0]


def _clean(fields: dict, key: str, limit: int) -> str:
    value = (fields.get(key) or "").strip()
    problem = text_rules.message(value, lines=key == "description")
    if problem:
        raise Invalid(f"{key} {problem}", {key: problem})
    if len(value) > limit:
        raise Invalid(f"{key} 不能超过 {limit} 个字", {key: "过长"})
    return value


def submit(session: Session, api_key: str | None, fields: dict[str, str], now: datetime) -> Issue:
    """POST requests: the holder of a staff token allowed to log issues raises one on someone's
    behalf (the 12345 platform, a mini-program). Commits."""
    try:
        user = user_for_token(session, (api_key or "").strip(), now) if api_key else None
    except NotAuthenticated:
        user = None
    if user is None:
        raise Forbidden("api_key 无效或已过期", code="invalid_api_key")
    access.require(user, Permission.ISSUE_CREATE, "该 api_key 的用户不能登记问题")
    if not (fields.get("service_code") or "").strip():
        raise Invalid("缺少 service_code", {"service_code": "必填"})
    try:
        category = get_by_code(session, fields["service_code"].strip())
    except NotFound:
        raise Invalid("service_code 不存在", {"service_code": "不存在"}) from None
    if not category.active:
        raise Invalid("service_code 已停用", {"service_code": "已停用"})
    description = _clean(fields, "description", MAX_DESCRIPTION)
    if not description:
        raise Invalid("缺少 description（问题描述）", {"description": "必填"})
    for key in ("last_name", "first_name"):
        if fields.get(key) and is_blank(fields[key]):
            raise Invalid(f"{key} 不能只有空格或不可见字符：请填写，或不传", {key: "只有空格"})
    name = (_clean(fields, "last_name", 16) + _clean(fields, "first_name", 16)) or None
    phone = re.sub(r"[\s-]", "", _clean(fields, "phone", 20))
    if phone and not re.fullmatch(r"\+?[0-9]{5,16}", phone):
        raise Invalid("phone 格式不对", {"phone": "格式不对"})
    place = [p for p in (_clean(fields, "address_string", 200),
                         " ".join(v for v in (_clean(fields, "lat", 20), _clean(fields, "long", 20)) if v))
             if p]
    content = description + "".join(f"\n位置：{p}" for p in place)
    title = description.splitlines()[0][:60]
    return create_issue(session, user, {
        "title": title, "content": content, "category": category.name, "type": "help",
        "reporter": {"name": name, "phone": phone or None, "kind": "person", "consent_public": False},
    }, now, channel_default=Channel.ONLINE)
