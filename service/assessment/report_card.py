"""成绩单: one department's report card for a period — its row of the assessment with its rank,
the issues behind its weak figures (overdue now, unsatisfied or reopened), and its months.

The figures are `service.assessment`'s; the lists here select exactly the issues those
figures count (received in the period, i.e. assigned to the department as lead in it), so a
department can check every number against the issues behind it.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models import (
    ACCOUNTABILITY_KIND_LABELS,
    DEADLINE_KEYS,
    AccountabilityRecord,
    Department,
    Issue,
    IssueEvent,
    Satisfaction,
    Status,
    User,
)
from models.permissions import Permission
from service.assessment.periods import Period
from service.assessment.rates import PENALTIES, RUNNING, DepartmentRow, department_assessment, department_row
from service.assessment.ratings import DepartmentResult, period_results
from service.core.errors import NotFound
from service.core.xlsx import Column, workbook_bytes, write_table
from service.deadlines.calendar import WorkCalendar, local_date
from service.identity import permissions as access
from service.workflow.queries import user_names


@dataclass
class CardIssue:
    issue_id: int
    code: str
    title: str
    status: str
    responsible_person: str | None
    leader: str | None
    due_key: str | None          # the nearest open deadline (overdue list)
    due: date | None
    overdue_days: int
    satisfaction: str | None     # unsatisfied list
    reopen_count: int
    urges: int


@dataclass
class CardRecord:
    """A 问责 record of the department decided in the period."""
    record_id: int
    kind: str
    decided_on: date
    document_no: str
    issue_codes: list[str]
    has_document: bool

    @property
    def kind_label(self) -> str:
        return ACCOUNTABILITY_KIND_LABELS.get(self.kind, self.kind)


@dataclass
class CardMonth:
    month: str
    row: DepartmentRow


@dataclass
class ReportCard:
    department: Department
    period: Period
    row: DepartmentRow
    ranked: int                  # departments with a rank (those that received issues)
    overdue: list[CardIssue]
    unsatisfied: list[CardIssue]
    months: list[CardMonth]
    accountability: list[CardRecord] = field(default_factory=list)
    rating: DepartmentResult | None = None   # 企业评议 of rounds within the period

    @property
    def title(self) -> str:
        return f"{self.department.name}营商环境问题办理成绩单（{self.period.label}）"


def may_open(session: Session, actor: User, department_id: int) -> Department:
    """A department user sees its own card only; another's is answered as if it did not exist."""
    if not access.may(actor, Permission.DASHBOARD):
        access.require(actor, Permission.OWN_REPORT_CARD)
        if actor.department_id != department_id:
            raise NotFound("没有找到这个单位的成绩单")
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound("没有找到这个单位的成绩单")
    return dept


def _due_key(issue: Issue) -> str | None:
    return next((k for k in DEADLINE_KEYS if getattr(issue, k) == issue.next_due), None)


def _urges(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(session.execute(select(IssueEvent.issue_id, func.count()).where(
        IssueEvent.issue_id.in_(ids), IssueEvent.action == "urge").group_by(IssueEvent.issue_id)).all())


def _card_issues(session: Session, issues: list[Issue], today: date, calendar: WorkCalendar) -> list[CardIssue]:
    urges = _urges(session, [i.id for i in issues])
    leaders = user_names(session, {i.lead_leader_id for i in issues if i.lead_leader_id})
    out = []
    for i in issues:
        late = calendar.working_days_between(i.next_due, today) if i.next_due and i.next_due < today else 0
        out.append(CardIssue(issue_id=i.id, code=i.code, title=i.title, status=i.status,
                             responsible_person=i.responsible_person, leader=leaders.get(i.lead_leader_id),
                             due_key=_due_key(i), due=i.next_due, overdue_days=late,
                             satisfaction=i.satisfaction, reopen_count=i.reopen_count,
                             urges=int(urges.get(i.id, 0))))
    return out


def report_card(session: Session, actor: User, department_id: int, period: Period, now: datetime,
                calendar: WorkCalendar) -> ReportCard:
    dept = may_open(session, actor, department_id)
    today = local_date(now)
    rows = department_assessment(session, period, now)
    row = next((r for r in rows if r.department_id == dept.id), None)
    if row is None:  # a department closed down before the period, with nothing in it
        raise NotFound("这个单位在本期没有成绩单")
    lo, hi = period.bounds
    received = and_(Issue.lead_department_id == dept.id, Issue.assigned_at >= lo, Issue.assigned_at < hi)
    overdue = list(session.execute(select(Issue).where(
        received, Issue.status.in_(RUNNING), Issue.next_due < today,
    ).order_by(Issue.next_due, Issue.id)).scalars())
    unsatisfied = list(session.execute(select(Issue).where(
        received, or_(Issue.satisfaction == Satisfaction.UNSATISFIED, Issue.reopen_count > 0),
        Issue.status != Status.REJECTED,
    ).order_by(Issue.id)).scalars())
    records = list(session.execute(select(AccountabilityRecord).where(
        AccountabilityRecord.department_id == dept.id, AccountabilityRecord.decided_on >= period.start,
        AccountabilityRecord.decided_on <= period.end,
    ).order_by(AccountabilityRecord.decided_on, AccountabilityRecord.id)).scalars())
    ids = {i for r in records for i in r.issue_ids}
    codes = dict(session.execute(select(Issue.id, Issue.code).where(Issue.id.in_(ids))).all()) if ids else {}
    # The months begun so far: a month still to come would plot as a drop to 0.
    months = [CardMonth(f"{m.start.year}-{m.start.month:02d}", department_row(session, m, now, dept.id))
              for m in period.months() if m.start <= today]
    return ReportCard(department=dept, period=period, row=row,
                      ranked=sum(1 for r in rows if r.rank is not None),
                      overdue=_card_issues(session, overdue, today, calendar),
                      unsatisfied=_card_issues(session, unsatisfied, today, calendar), months=months,
                      accountability=[CardRecord(r.id, r.kind, r.decided_on, r.document_no,
                                                 [codes[i] for i in r.issue_ids if i in codes],
                                                 bool(r.document_stored_name)) for r in records],
                      rating=period_results(session, period).get(dept.id))


# --- the same as an Excel workbook ------------------------------------------------------------

def _pct(rate: float | None) -> float | str:
    return "—" if rate is None else rate


FIGURE_COLUMNS = (Column("项目", 24), Column("数值", 14), Column("说明", 40, "wrap"))
ISSUE_COLUMNS = (Column("编号", 16), Column("问题", 40, "wrap"), Column("状态", 10), Column("主抓领导", 10),
                 Column("责任人", 10), Column("最近时限", 12, "date"), Column("超期工作日", 10, "int"),
                 Column("已催办", 8, "int"))
UNSATISFIED_COLUMNS = (Column("编号", 16), Column("问题", 40, "wrap"), Column("状态", 10),
                       Column("满意度", 10), Column("重办次数", 10, "int"), Column("责任人", 10))
MONTH_COLUMNS = (Column("月份", 10), Column("交办", 8, "int"), Column("已办结", 8, "int"),
                 Column("按期办结", 10, "int"), Column("按期办结率", 12, "percent"),
                 Column("满意率", 10, "percent"), Column("当前超期", 10, "int"))
ACCOUNTABILITY_COLUMNS = (Column("决定日期", 12, "date"), Column("问责方式", 16), Column("决定文号", 24),
                          Column("相关问题", 40, "wrap"))
SATISFACTION_NAMES = {Satisfaction.SATISFIED: "满意", Satisfaction.BASICALLY: "基本满意",
                      Satisfaction.UNSATISFIED: "不满意"}


def card_figures(card: ReportCard) -> list[tuple[str, object, str]]:
    """The card's figures as (name, value, how it is counted), in the order the page shows them."""
    r = card.row
    rank = f"{r.rank}/{card.ranked}" if r.rank is not None else "未参与排名（本期无可评）"
    penalties = (f"重办{r.reopens}次×{PENALTIES['reopens']:g}、退单{r.returned}件×{PENALTIES['returned']:g}、"
                 f"当前超期{r.overdue_now}件×{PENALTIES['overdue_now']:g}")
    return [
        ("排名", rank, "按得分，从高到低"),
        ("得分", "—" if r.score is None else r.score,
         f"签收10%、回复10%、按期办结40%、满意40%，减扣分{r.penalty:g}（{penalties}）"),
        ("交办件", r.received, "本期交办给本单位主办的问题"),
        ("签收及时率", _pct(r.accept_rate), f"按时签收{r.accepted_on_time}件/应签收{r.accept_judged}件"),
        ("回复及时率", _pct(r.reply_rate), f"按时回复{r.replied_on_time}件/应回复{r.reply_judged}件"),
        ("按期办结率", _pct(r.complete_rate),
         f"按期办结{r.completed_on_time}件次/应办结{r.complete_judged}件次（超期{r.completed_late}件次，"
         "已过时限仍未办结的计超期，重办每轮各计一次）"),
        ("满意率", _pct(r.satisfaction_rate), f"满意{r.satisfied}件、基本满意{r.basically}件、不满意{r.unsatisfied}件"),
        ("按时报告率", _pct(r.report_rate),
         f"按时报告{r.reported_on_time}件次/应报告{r.report_judged}件次（办理情况报告报主抓县级领导，不计入得分）"),
        ("在办", r.open, "已交办或办理中"),
        ("当前超期", r.overdue_now, "在办且已过最近时限"),
        ("重办", r.reopened, f"回访不满意、评估未解决或复查不属实后重新办理，共{r.reopens}次"),
        ("延期", r.extended, f"获批延期共{r.extensions}次"),
        ("挂账", r.suspended, "暂停计时"),
        ("提请中", r.escalated, "提请上级解决，暂停计时"),
        ("退单", r.returned, "本期退回县营商办"),
        ("复查不属实", r.recheck_false, "县委督查办复查认定不属实、已重新办理（擂台赛扣分）"),
        ("问责", r.accountability,
         f"约谈{r.accountability_talk}次、通报批评{r.accountability_criticism}次、"
         f"移交纪检监察机关{r.accountability_referral}次（擂台赛扣分）"),
        _rating_figure(card.rating),
    ]


def _rating_figure(rating: DepartmentResult | None) -> tuple[str, object, str]:
    if rating is None or not rating.rated:
        asked = f"邀请{rating.asked}家企业，尚无评价" if rating else "本期没有企业评议"
        return ("企业评议", "—", asked)
    counts = "、".join(f"{s}分{n}个" for s, n in sorted(rating.counts.items(), reverse=True) if n)
    return ("企业评议", rating.average,
            f"5分制平均分，{rating.rated}家企业评价（邀请{rating.asked}家）：{counts}；评价数达到擂台赛规则的最少数时计入积分")


def card_workbook(card: ReportCard, status_names: dict[str, str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "成绩单"
    figures = [(name, value, note) for name, value, note in card_figures(card)]
    write_table(ws, FIGURE_COLUMNS, figures, title=card.title,
                note=f"统计时段：{card.period.start.isoformat()}至{card.period.end.isoformat()}")
    # The rates are fractions: show them as percentages where they are numbers.
    for (cell,) in ws.iter_rows(min_row=4, min_col=2, max_col=2):
        if isinstance(cell.value, float) and ws.cell(cell.row, 1).value.endswith("率"):
            cell.number_format = "0.0%"
    write_table(wb.create_sheet("当前超期"), ISSUE_COLUMNS,
                [(i.code, i.title, status_names.get(i.status, i.status), i.leader or "",
                  i.responsible_person or "", i.due, i.overdue_days, i.urges) for i in card.overdue],
                title=f"{card.department.name}当前超期问题")
    write_table(wb.create_sheet("不满意及重办"), UNSATISFIED_COLUMNS,
                [(i.code, i.title, status_names.get(i.status, i.status),
                  SATISFACTION_NAMES.get(i.satisfaction, i.satisfaction or ""), i.reopen_count,
                  i.responsible_person or "") for i in card.unsatisfied],
                title=f"{card.department.name}不满意及重办问题")
    write_table(wb.create_sheet("问责"), ACCOUNTABILITY_COLUMNS,
                [(a.decided_on, a.kind_label, a.document_no, "、".join(a.issue_codes)) for a in card.accountability],
                title=f"{card.department.name}问责记录")
    write_table(wb.create_sheet("月度趋势"), MONTH_COLUMNS,
                [(m.month, m.row.received, m.row.completed, m.row.completed_on_time, m.row.complete_rate,
                  m.row.satisfaction_rate, m.row.overdue_now) for m in card.months],
                title=f"{card.department.name}月度趋势")
    return workbook_bytes(wb)
