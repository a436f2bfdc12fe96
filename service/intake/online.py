"""网上反映: an issue raised by the public on the web form (channel `online`, no staff actor)."""
import re
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from models import Channel, Issue, IssueType
from service.core import text_rules
from service.core.errors import NotFound, require
from service.core.phones import is_mobile
from service.intake.categories import get_by_code
from service.intake.issues import blank_reporter_texts, create_issue
from service.intake.photos import check_photos, keep_photos

SUBMIT_LIMITS = {"title": (4, 60), "content": (10, 2000), "name": (0, 32), "org": (0, 100),
                 "township": (0, 32)}


def submit_online(session: Session, data: dict, now: datetime, track_url: str | None = None,
                  photos: list[tuple[str | None, BinaryIO]] = (), storage_dir: str | Path | None = None) -> Issue:
    """An issue raised by the public on the web form (channel `online`, no staff actor). The
    phone is required: tracking asks for its last 4 digits and the SMS go to it (the tracking
    code at once, with `track_url`). `photos` (name, stream), up to 3 JPG/PNG, are kept in
    `storage_dir` as the issue's attachments, not public until the office approves each one.
    Nothing is kept when anything is refused. Commits."""
    clean = {k: (data.get(k) or "").strip() for k in (*SUBMIT_LIMITS, "phone", "category", "type")}
    errors = {}
    for key, (low, high) in SUBMIT_LIMITS.items():
        if not low <= len(clean[key]) <= high:
            errors[key] = f"请填写 {low}-{high} 个字" if low else f"不超过 {high} 个字"
        elif problem := text_rules.message(clean[key], lines=key == "content"):
            errors[key] = problem
    phone = re.sub(r"[\s-]", "", clean["phone"])
    if not is_mobile(phone):
        errors["phone"] = "请填写 11 位手机号（查询进度和接收短信都要用到）"
    if clean["type"] and clean["type"] not in {t.value for t in IssueType}:
        errors["type"] = "请选择诉求类型"
    errors.update(blank_reporter_texts({"name": data.get("name") or None, "org": data.get("org") or None}))
    category = None
    if clean["category"]:
        try:
            category = get_by_code(session, clean["category"])
        except NotFound:
            errors["category"] = "请选择问题类别"
    checked, problem = check_photos(list(photos))
    if problem:
        errors["photos"] = problem
    require(errors)
    issue = create_issue(session, None, {
        "title": clean["title"], "content": clean["content"], "category": category and category.name,
        "type": clean["type"] or "help", "township": clean["township"] or None,
        "reporter": {"name": clean["name"] or None, "org": clean["org"] or None, "phone": phone,
                     "kind": "enterprise" if clean["org"] else "person",
                     "consent_public": bool(data.get("consent_public")) and bool(clean["org"])},
    }, now, channel_default=Channel.ONLINE, track_url=track_url, commit=not checked)
    if checked:
        written = []
        try:
            written = keep_photos(session, issue, checked, now, storage_dir)
            session.commit()
        except Exception:
            session.rollback()
            for path in written:
                path.unlink(missing_ok=True)
            raise
    return issue
