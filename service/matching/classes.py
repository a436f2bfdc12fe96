"""类案: similar issues the office groups into one class, under a lead department and a lead
leader, answered together by one policy-level answer (“出台园区供电保障办法”).

Every change of a member issue goes through `service.workflow.transition` like any other:
grouping assigns the members still waiting for assignment to the class's lead department and
leader (交办); the answer is the lead department's 签收 where still due and its 办结答复 of
every member, each reporter told by SMS as usual and each issue then rated at its own return
visit (回访). One transaction: the whole class is answered, or nothing is.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Department, Issue, IssueClass, IssueClassMember, Role, Status, User
from models.permissions import Permission
from service.core import text_rules
from service.core.errors import Forbidden, NotFound, require
from service.core.phones import is_phone, sms_refusal
from service.identity import permissions as access
from service.workflow.queries import get_visible
from service.workflow.transition import WorkflowOptions, transition

# The states a member may be in when grouped, and when answered.
GROUPABLE = (Status.COLLECTED, Status.ASSIGNED, Status.IN_PROGRESS)
MIN_MEMBERS = 2
TITLE_MAX = 200  # the class title column


@dataclass
class ClassRow:
    issue_class: IssueClass
    lead_department: str
    lead_leader: str
    members: list[Issue]


@dataclass
class ClassList:
    rows: list[ClassRow]
    by_township: list[tuple[str, int]]
    by_category: list[tuple[str, int]]


def create_class(session: Session, actor: User, data: dict, now: datetime,
                 options: WorkflowOptions = WorkflowOptions()) -> IssueClass:
    """Group `data["issue_ids"]` into a class. `data`: title, lead_department_id,
    lead_leader_id, responsible_person, responsible_phone (for members still to be assigned),
    issue_ids. Commits."""
    access.require(actor, Permission.ISSUE_CLASSES)
    title = (data.get("title") or "").strip()
    faults = {}
    if not title:
        faults["title"] = "请填写类案名称"
    elif problem := text_rules.message(title, TITLE_MAX, lines=False):
        faults["title"] = problem
    person, phone = (data.get("responsible_person") or "").strip(), (data.get("responsible_phone") or "").strip()
    if person and (problem := text_rules.message(person, 64, lines=False)):
        faults["responsible_person"] = problem
    if phone and not is_phone(phone):
        faults["responsible_phone"] = "请填写 11 位手机号"
    elif phone and (problem := sms_refusal(phone, "责任人电话")):
        faults["responsible_phone"] = problem
    lead = session.get(Department, data.get("lead_department_id") or 0)
    if lead is None or not lead.active:
        faults["lead_department_id"] = "请选择牵头单位"
    leader = session.get(User, data.get("lead_leader_id") or 0)
    if leader is None or leader.role != Role.LEADER or not leader.active:
        faults["lead_leader_id"] = "请选择一位县级领导"
    ids = list(dict.fromkeys(data.get("issue_ids") or []))
    if len(ids) < MIN_MEMBERS:
        faults["issue_ids"] = f"类案至少包含{MIN_MEMBERS}件问题"
    require(faults)
    members = []
    for issue_id in ids:
        try:
            issue = get_visible(session, actor, issue_id)
        except NotFound:
            require({"issue_ids": f"没有编号为{issue_id}的问题"})
        if issue.status not in GROUPABLE:
            require({"issue_ids": f"{issue.code}已不在办理中，不能归入类案"})
        if issue.status != Status.COLLECTED and issue.lead_department_id != lead.id:
            require({"issue_ids": f"{issue.code}已交办其他单位，请先改派或退单后再归入类案"})
        if session.get(IssueClassMember, issue.id) is not None:
            require({"issue_ids": f"{issue.code}已归入其他类案"})
        members.append(issue)
    try:
        issue_class = IssueClass(title=title, lead_department_id=lead.id, lead_leader_id=leader.id,
                                 created_by_id=actor.id, created_at=now)
        session.add(issue_class)
        session.flush()
        for issue in members:
            session.add(IssueClassMember(issue_id=issue.id, class_id=issue_class.id))
            if issue.status == Status.COLLECTED:
                transition(session, actor, issue.id, "assign", {
                    "lead_department_id": lead.id, "lead_leader_id": leader.id,
                    "responsible_person": data.get("responsible_person"),
                    "responsible_phone": data.get("responsible_phone"),
                    "note": f"归入类案“{title}”，由{lead.name}牵头统一办理"}, now, options, commit=False,
                    event_data={"class_id": issue_class.id})
        session.commit()
    except Exception:
        session.rollback()
        raise
    return issue_class


# The class's answer is each member's 办结答复: no longer than a reply's result.
ANSWER_MAX = 5000


def answer_class(session: Session, actor: User, class_id: int, answer: str, now: datetime,
                 options: WorkflowOptions = WorkflowOptions()) -> IssueClass:
    """The lead department's policy-level answer: every open member is answered (办结答复) with
    it, each reporter told. Commits, or changes nothing."""
    issue_class = session.get(IssueClass, class_id)
    if issue_class is None or not _may_see(actor, issue_class):
        raise NotFound("没有这个类案", code="not_found")
    if actor.role != Role.DEPARTMENT or actor.department_id != issue_class.lead_department_id:
        raise Forbidden("只有类案的牵头单位可以统一答复")
    answer = (answer or "").strip()
    require({"answer": "请填写统一答复（政策性解决办法）"} if not answer else {})
    if len(answer) > ANSWER_MAX:
        require({"answer": f"统一答复不能超过{ANSWER_MAX}字（现有{len(answer)}字），请精简后再提交"})
    if issue_class.status != "open":
        require({"answer": "该类案已统一答复"})
    ids = session.execute(select(IssueClassMember.issue_id).where(IssueClassMember.class_id == class_id)
                          .order_by(IssueClassMember.issue_id)).scalars().all()
    try:
        for issue_id in ids:
            issue = session.get(Issue, issue_id)
            if issue.status == Status.ASSIGNED:
                transition(session, actor, issue_id, "accept", {"note": "类案统一签收"}, now, options, commit=False,
                           event_data={"class_id": class_id})
            if session.get(Issue, issue_id).status == Status.IN_PROGRESS:
                transition(session, actor, issue_id, "reply", {"result": answer, "note": answer}, now, options,
                           commit=False, event_data={"class_id": class_id})
        issue_class.status, issue_class.answer, issue_class.answered_at = "answered", answer, now
        session.add(issue_class)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return issue_class


def _may_see(actor: User, issue_class: IssueClass) -> bool:
    if access.may(actor, Permission.ISSUE_SEE_ALL):
        return True
    return actor.id == issue_class.lead_leader_id or (
        actor.department_id is not None and actor.department_id == issue_class.lead_department_id)


def list_classes(session: Session, actor: User) -> ClassList:
    """The classes `actor` may see (those who see every issue: all; a department: those it
    leads; a leader: those they lead), newest first, with their members; and the members
    counted by township and by category."""
    access.require(actor, Permission.ISSUE_LIST)
    stmt = select(IssueClass).order_by(IssueClass.id.desc()).limit(200)
    if not access.may(actor, Permission.ISSUE_SEE_ALL):
        stmt = stmt.where((IssueClass.lead_leader_id == actor.id)
                          | (IssueClass.lead_department_id == (actor.department_id or 0)))
    classes = list(session.execute(stmt).scalars())
    ids = [c.id for c in classes]
    members: dict[int, list[Issue]] = {i: [] for i in ids}
    if ids:
        for class_id, issue in session.execute(select(IssueClassMember.class_id, Issue).join(
                Issue, Issue.id == IssueClassMember.issue_id).where(IssueClassMember.class_id.in_(ids))
                .order_by(Issue.id)).all():
            members[class_id].append(issue)
    depts = dict(session.execute(select(Department.id, Department.name)).all())
    leaders = dict(session.execute(select(User.id, User.display_name).where(User.role == Role.LEADER)).all())
    every = [i for c in classes for i in members[c.id]]
    return ClassList(
        rows=[ClassRow(c, depts.get(c.lead_department_id, "—"), leaders.get(c.lead_leader_id, "—"), members[c.id])
              for c in classes],
        by_township=Counter(i.township or "未填写" for i in every).most_common(),
        by_category=Counter(i.category or "未分类" for i in every).most_common())


def class_of(session: Session, issue_id: int) -> IssueClass | None:
    return session.execute(select(IssueClass).join(IssueClassMember, IssueClassMember.class_id == IssueClass.id)
                           .where(IssueClassMember.issue_id == issue_id)).scalar()




def form_choices(session: Session) -> tuple[list[Department], list[User]]:
    """The departments and county leaders the grouping form offers."""
    departments = session.execute(select(Department).where(Department.active.is_(True))
                                  .order_by(Department.id)).scalars()
    leaders = session.execute(select(User).where(User.role == Role.LEADER, User.active.is_(True))
                              .order_by(User.id)).scalars()
    return list(departments), list(leaders)
