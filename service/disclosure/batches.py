"""公示批次: published issues gathered on their own public page for a 公示期, and the
objections (异议) anyone may raise there during it, which the office answers on record.

The page shows only what the one public query (`public_issues`) and its whitelist view
(`public_view`) give, plus each issue's 整改评估 verdict; an issue withdrawn since drops out.
Objections are shown masked: the objector's name as 张*, never a phone, their text scrubbed.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import (
    VERDICT_LABELS,
    DisclosureBatch,
    DisclosureBatchIssue,
    Issue,
    Objection,
    User,
    Verdict,
)
from models.permissions import Permission
from service.core.errors import Conflict, NotFound, require
from service.core.masking import mask_name, scrub_text
from service.core.phones import is_mobile
from service.deadlines.calendar import local_date
from service.disclosure.public import public_issues, public_views
from service.identity import permissions as access
from service.workflow.queries import current_evaluation

LIMITS = {"title": 200, "name": 64, "content": 2000, "answer": 2000}


def _office_only(actor: User) -> None:
    access.require(actor, Permission.DISCLOSURE_BATCHES)


def _text(data: dict, key: str) -> str:
    return (data.get(key) or "").strip() if isinstance(data.get(key), str) else ""


def create_batch(session: Session, actor: User, data: dict, now: datetime) -> DisclosureBatch:
    """A batch of published issues: by `issue_ids`, or every published issue of `meeting_id`.
    Commits."""
    _office_only(actor)
    title = _text(data, "title")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    errors = {}
    if not title:
        errors["title"] = "请填写公示批次名称"
    elif len(title) > LIMITS["title"]:
        errors["title"] = f"名称不超过 {LIMITS['title']} 字"
    if not isinstance(starts_on, date):
        errors["starts_on"] = "请填写公示期开始日期"
    if not isinstance(ends_on, date):
        errors["ends_on"] = "请填写公示期结束日期"
    elif isinstance(starts_on, date) and ends_on < starts_on:
        errors["ends_on"] = "公示期结束日期不能早于开始日期"
    require(errors)
    query = public_issues()
    if data.get("issue_ids"):
        wanted = list(dict.fromkeys(data["issue_ids"]))
        found = set(session.execute(query.where(Issue.id.in_(wanted)).with_only_columns(Issue.id)).scalars())
        if missing := [i for i in wanted if i not in found]:
            require({"issue_ids": f"问题 {', '.join(map(str, missing))} 不存在或尚未公示"})
        ids = wanted
    elif data.get("meeting_id"):
        ids = list(session.execute(query.where(Issue.meeting_id == data["meeting_id"])
                                   .with_only_columns(Issue.id).order_by(Issue.id)).scalars())
        if not ids:
            require({"meeting_id": "该会议没有已公示的问题"})
    else:
        require({"issue_ids": "请选择要公示的问题，或选择一次会议"})
    batch = DisclosureBatch(title=title, starts_on=starts_on, ends_on=ends_on, meeting_id=data.get("meeting_id"),
                            created_by_id=actor.id, created_at=now)
    session.add(batch)
    session.flush()
    session.add_all(DisclosureBatchIssue(batch_id=batch.id, issue_id=i) for i in ids)
    session.commit()
    return batch


@dataclass
class BatchPage:
    batch: DisclosureBatch
    items: list[dict]        # public_view of each issue, with its verdict
    objections: list[dict]   # masked
    open: bool               # within the 公示期


def _batch(session: Session, batch_id: int) -> DisclosureBatch:
    batch = session.get(DisclosureBatch, batch_id)
    if batch is None:
        raise NotFound("没有这个公示批次")
    return batch


def _issues(session: Session, batch_id: int) -> list[Issue]:
    ids = select(DisclosureBatchIssue.issue_id).where(DisclosureBatchIssue.batch_id == batch_id)
    return list(session.execute(public_issues().where(Issue.id.in_(ids)).order_by(Issue.id)).scalars())


def public_objection(objection: Objection) -> dict:
    """What the public may read of an objection: the name masked, no phone, the text scrubbed."""
    names = (objection.name,)
    return {"id": objection.id, "name": mask_name(objection.name) or "匿名",
            "content": scrub_text(objection.content, names=names),
            "at": objection.at.isoformat(), "answer": scrub_text(objection.answer, names=names),
            "answered_at": objection.answered_at and objection.answered_at.isoformat()}


def batch_page(session: Session, batch_id: int, today: date) -> BatchPage:
    batch = _batch(session, batch_id)
    issues = _issues(session, batch.id)
    items = public_views(session, issues)
    for issue, item in zip(issues, items, strict=True):
        evaluation = current_evaluation(session, issue)
        item["verdict"] = evaluation and evaluation.verdict
        item["verdict_label"] = evaluation and VERDICT_LABELS[Verdict(evaluation.verdict)]
    objections = session.execute(select(Objection).where(Objection.batch_id == batch.id)
                                 .order_by(Objection.id)).scalars()
    return BatchPage(batch, items, [public_objection(o) for o in objections],
                     batch.starts_on <= today <= batch.ends_on)


def raise_objection(session: Session, batch_id: int, data: dict, now: datetime) -> Objection:
    """异议 on a batch during its 公示期: a mobile number is required (the office answers by
    it), the name optional; `issue_code` names one of the batch's issues when given. Commits."""
    batch = _batch(session, batch_id)
    today = local_date(now)
    if not batch.starts_on <= today <= batch.ends_on:
        raise Conflict(f"公示期为 {batch.starts_on.isoformat()} 至 {batch.ends_on.isoformat()}，"
                       "不在公示期内不能提出异议", code="outside_period")
    name, content = _text(data, "name"), _text(data, "content")
    phone = re.sub(r"[\s-]", "", _text(data, "phone"))
    errors = {}
    if not is_mobile(phone):
        errors["phone"] = "请填写 11 位手机号，县营商办将据此答复"
    if not content:
        errors["content"] = "请写明异议的内容"
    elif len(content) > LIMITS["content"]:
        errors["content"] = f"异议内容不超过 {LIMITS['content']} 字"
    if len(name) > LIMITS["name"]:
        errors["name"] = f"姓名不超过 {LIMITS['name']} 字"
    issue_id = None
    if code := _text(data, "issue_code"):
        issue_id = next((i.id for i in _issues(session, batch.id) if i.code == code), None)
        if issue_id is None:
            errors["issue_code"] = "本批次没有这个编号的问题"
    require(errors)
    objection = Objection(batch_id=batch.id, issue_id=issue_id, name=name or None, phone=phone,
                          content=content, at=now)
    session.add(objection)
    session.commit()
    return objection


def objections(session: Session, actor: User, batch_id: int) -> list[Objection]:
    """Every objection of a batch in full, for the office."""
    _office_only(actor)
    _batch(session, batch_id)
    return list(session.execute(select(Objection).where(Objection.batch_id == batch_id)
                                .order_by(Objection.id)).scalars())


def answer_objection(session: Session, actor: User, objection_id: int, answer: str | None,
                     now: datetime) -> Objection:
    """The office's answer, once, on record. Commits."""
    _office_only(actor)
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound("没有这条异议")
    if objection.answer is not None:
        raise Conflict("该异议已答复，答复已存档不能修改", code="already_answered")
    text = (answer or "").strip()
    if not text:
        require({"answer": "请填写答复内容"})
    if len(text) > LIMITS["answer"]:
        require({"answer": f"答复不超过 {LIMITS['answer']} 字"})
    objection.answer, objection.answered_by_id, objection.answered_at = text, actor.id, now
    session.add(objection)
    session.commit()
    return objection
