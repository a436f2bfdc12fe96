"""公示批次: published issues gathered on their own public page for a 公示期, and the
objections (异议) anyone may raise there during it, which the office answers on record.

The page shows only what the one public query (`public_issues`) and its whitelist view
(`public_view`) give, plus each issue's 整改评估 verdict. An issue withdrawn since (撤回公示) keeps
its line, marked 已撤回 with the date and the office's reason (scrubbed), and nothing else of it:
the list printed and posted during the 公示期 must not silently shrink.
Objections are shown masked: the objector's name as 张*, never a phone, their text scrubbed.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    VERDICT_LABELS,
    DisclosureBatch,
    DisclosureBatchIssue,
    Issue,
    IssueEvent,
    Meeting,
    Objection,
    User,
    Verdict,
)
from models.permissions import Permission
from service.core.errors import Conflict, NotFound, require
from service.core.masking import mask_name, masking_of, scrub_text
from service.core.phones import is_mobile
from service.deadlines.calendar import LOCAL_TZ, local_date
from service.disclosure.public import public_issues, public_views
from service.identity import permissions as access
from service.workflow.queries import current_evaluation

LIMITS = {"title": 200, "name": 64, "content": 2000, "answer": 2000}


def _office_only(actor: User) -> None:
    access.require(actor, Permission.DISCLOSURE_BATCHES)


def may_manage(actor: User) -> None:
    """Refuses (403) anyone but the office: the console's batch pages ask before anything else."""
    _office_only(actor)


def _text(data: dict, key: str) -> str:
    return (data.get(key) or "").strip() if isinstance(data.get(key), str) else ""


def _period_ids(session: Session, data: dict) -> list[int]:
    """Every published issue whose publication date (county date) falls in the period."""
    start, end = data.get("published_from"), data.get("published_to")
    errors = {}
    if not isinstance(start, date):
        errors["published_from"] = "请填写发布日期（起）"
    if not isinstance(end, date):
        errors["published_to"] = "请填写发布日期（止）"
    elif isinstance(start, date) and end < start:
        errors["published_to"] = "发布日期（止）不能早于发布日期（起）"
    require(errors)
    since = datetime.combine(start, time(), LOCAL_TZ)
    until = datetime.combine(end + timedelta(days=1), time(), LOCAL_TZ)
    ids = list(session.execute(public_issues().where(Issue.published_at >= since, Issue.published_at < until)
                               .with_only_columns(Issue.id).order_by(Issue.id)).scalars())
    if not ids:
        require({"published_from": f"{start.isoformat()} 至 {end.isoformat()} 没有发布的公示问题"})
    return ids


def create_batch(session: Session, actor: User, data: dict, now: datetime) -> DisclosureBatch:
    """A batch of published issues, chosen one way: by `issue_ids`, every published issue of
    `meeting_id`, or every issue published between `published_from` and `published_to`
    (county dates, both included). Commits."""
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
    by_period = data.get("published_from") is not None or data.get("published_to") is not None
    ways = [key for key, given in (("issue_ids", bool(data.get("issue_ids"))),
                                   ("meeting_id", bool(data.get("meeting_id"))), ("published_from", by_period))
            if given]
    if len(ways) > 1:
        errors[ways[1]] = "请只选一种方式：选定问题、一次会议，或一段发布日期"
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
    elif by_period:
        ids = _period_ids(session, data)
    else:
        require({"issue_ids": "请选择要公示的问题，或选择一次会议，或填写一段发布日期"})
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
    items: list[dict]        # public_view of each issue with its verdict, or a withdrawn line
    objections: list[dict]   # masked
    open: bool               # within the 公示期

    @property
    def withdrawn(self) -> int:
        return sum(1 for i in self.items if i.get("withdrawn"))


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
            "at": objection.at.astimezone(LOCAL_TZ).isoformat(), "answer": scrub_text(objection.answer, names=names),
            "answered_at": objection.answered_at and objection.answered_at.astimezone(LOCAL_TZ).isoformat()}


def _withdrawn_line(session: Session, issue: Issue) -> dict:
    """What the public reads of a batch's issue that is no longer published: its code, that it
    was withdrawn, when, and the office's reason, scrubbed like every public text."""
    event = session.execute(select(IssueEvent).where(IssueEvent.issue_id == issue.id,
                                                     IssueEvent.action == "withdraw")
                            .order_by(IssueEvent.id.desc()).limit(1)).scalars().first()
    return {"code": issue.code, "withdrawn": True,
            "withdrawn_on": event and local_date(event.at).isoformat(),
            "withdraw_reason": event and scrub_text(event.note, **masking_of(issue))}


def _items(session: Session, batch_id: int) -> list[dict]:
    shown = _issues(session, batch_id)
    items = {issue.id: item for issue, item in zip(shown, public_views(session, shown), strict=True)}
    for issue in shown:
        evaluation = current_evaluation(session, issue)
        items[issue.id]["verdict"] = evaluation and evaluation.verdict
        items[issue.id]["verdict_label"] = evaluation and VERDICT_LABELS[Verdict(evaluation.verdict)]
    ids = select(DisclosureBatchIssue.issue_id).where(DisclosureBatchIssue.batch_id == batch_id)
    gone = session.execute(select(Issue).where(Issue.id.in_(ids), Issue.id.not_in(list(items)))).scalars()
    items.update((issue.id, _withdrawn_line(session, issue)) for issue in gone)
    return [items[i] for i in sorted(items)]


def batch_page(session: Session, batch_id: int, today: date) -> BatchPage:
    batch = _batch(session, batch_id)
    objections = session.execute(select(Objection).where(Objection.batch_id == batch.id)
                                 .order_by(Objection.id)).scalars()
    return BatchPage(batch, _items(session, batch.id), [public_objection(o) for o in objections],
                     batch.starts_on <= today <= batch.ends_on)


@dataclass
class BatchRow:
    batch: DisclosureBatch
    issues: int
    open_objections: int


def batch_list(session: Session, actor: User) -> list[BatchRow]:
    """Every batch, newest first, with its number of issues and of objections not yet answered."""
    _office_only(actor)
    issues = (select(func.count()).select_from(DisclosureBatchIssue)
              .where(DisclosureBatchIssue.batch_id == DisclosureBatch.id).scalar_subquery())
    waiting = (select(func.count()).select_from(Objection)
               .where(Objection.batch_id == DisclosureBatch.id, Objection.answer.is_(None)).scalar_subquery())
    rows = session.execute(select(DisclosureBatch, issues, waiting).order_by(DisclosureBatch.id.desc())).all()
    return [BatchRow(batch, n, w) for batch, n, w in rows]


@dataclass
class OfficeBatch:
    page: BatchPage
    objections: list[Objection]   # in full, with the contact
    codes: dict[int, str]         # issue id → code, for the objections that name one


def office_batch(session: Session, actor: User, batch_id: int, today: date) -> OfficeBatch:
    """The batch as the office works on it: the public lines, and every objection in full."""
    found = objections(session, actor, batch_id)
    ids = {o.issue_id for o in found if o.issue_id}
    codes = dict(session.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids))).all()) if ids else {}
    return OfficeBatch(batch_page(session, batch_id, today), found, codes)


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


@dataclass
class MeetingChoice:
    id: int
    title: str
    held_at: datetime
    published: int   # its issues on the public pages now


def meeting_choices(session: Session, actor: User, limit: int = 200) -> list[MeetingChoice]:
    """The meetings a batch may be made of: those with published issues, latest first."""
    _office_only(actor)
    shown = public_issues().subquery()
    rows = session.execute(select(Meeting.id, Meeting.title, Meeting.held_at, func.count(shown.c.id))
                           .join(shown, shown.c.meeting_id == Meeting.id)
                           .group_by(Meeting.id, Meeting.title, Meeting.held_at)
                           .order_by(Meeting.held_at.desc(), Meeting.id.desc()).limit(limit)).all()
    return [MeetingChoice(*row) for row in rows]
