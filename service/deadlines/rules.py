"""Deadline policy, the nearest open deadline and the three colours (三色督办)."""
from dataclasses import dataclass
from datetime import date

from models import OPEN_DEADLINES, Channel, Flag, Issue, IssueType
from service.deadlines.calendar import WorkCalendar

# Working days to complete, by issue type (after Guangdong 12345's reference rules).
COMPLETE_DAYS = {
    IssueType.CONSULT: 2,
    IssueType.HELP: 10,
    IssueType.SUGGESTION: 10,
    IssueType.COMPLAINT: 15,
    IssueType.REPORT: 15,
}
DEFAULT_COMPLETE_DAYS = 10
YELLOW_WITHIN_DAYS = 2
# Working days the reporter has to answer on the plan where the channel consults them.
CONSULT_DAYS = 3


@dataclass(frozen=True)
class Policy:
    """The shape of a `DeadlinePolicy` row: working days from assignment (accept, reply,
    complete) and after completion (report, visit). `reply_days` None: due with completion."""

    issue_type: str
    channel: str | None
    complete_days: int
    accept_days: int = 1
    reply_days: int | None = None
    report_after: int = 2
    visit_after: int = 5
    # 销号 without the reporter's word: the return-visit attempts that must have failed first.
    visit_attempts: int = 3
    # 征求意见: working days the reporter has to answer on the plan; None: not consulted.
    consult_days: int | None = None

    @classmethod
    def of(cls, row) -> "Policy":
        return cls(issue_type=row.issue_type, channel=row.channel, complete_days=row.complete_days,
                   accept_days=row.accept_days, reply_days=row.reply_days,
                   report_after=row.report_after, visit_after=row.visit_after,
                   visit_attempts=row.visit_attempts, consult_days=row.consult_days)


def _builtins() -> dict[tuple[str, str | None], Policy]:
    table = {}
    for issue_type, days in COMPLETE_DAYS.items():
        table[issue_type, None] = Policy(issue_type, None, days)
        # 晚茶会: 限期回复 comes early, the rest follow completion.
        table[issue_type, Channel.EVENING_TEA] = Policy(issue_type, Channel.EVENING_TEA, days,
                                                        reply_days=3)
        # 早餐会: the county head calls back at month end, so the visit follows quickly; the plan
        # is put to the enterprise first (征求意见), as at the forum.
        table[issue_type, Channel.BREAKFAST] = Policy(issue_type, Channel.BREAKFAST, days,
                                                      visit_after=3, consult_days=CONSULT_DAYS)
        # 恳谈会: “制定详细解决方案，经征求反映问题人和相关单位的意见后，限期抓好落实”.
        table[issue_type, Channel.FORUM] = Policy(issue_type, Channel.FORUM, days, consult_days=CONSULT_DAYS)
    return table


BUILTIN_POLICIES: dict[tuple[str, str | None], Policy] = _builtins()


def builtin_policy(issue_type: str, channel: str | None) -> Policy:
    """The built-in rule for (type, channel), else for the type, else 10 working days."""
    return (BUILTIN_POLICIES.get((issue_type, channel)) or BUILTIN_POLICIES.get((issue_type, None))
            or Policy(issue_type, None, DEFAULT_COMPLETE_DAYS))


def default_deadlines(policy: Policy, assigned_on: date, calendar: WorkCalendar,
                      given: dict[str, date | None] | None = None) -> dict[str, date]:
    """The five deadlines of an assignment on `assigned_on` under `policy`. Deadlines `given`
    by hand are kept, and the others follow from them as the policy says (a given 办结 moves
    the 报告 and 回访 after it; 回复 and 签收 come no later than it), so that only what was
    typed can be out of order."""
    given = {k: v for k, v in (given or {}).items() if v is not None}
    accept_g, reply_g = given.get("accept_due"), given.get("reply_due")
    complete = given.get("complete_due") or max(
        d for d in (calendar.add_working_days(assigned_on, policy.complete_days), reply_g, accept_g) if d)
    reply = reply_g or (complete if policy.reply_days is None else max(
        d for d in (min(calendar.add_working_days(assigned_on, policy.reply_days), complete), accept_g) if d))
    return {
        "accept_due": accept_g or min(calendar.add_working_days(assigned_on, policy.accept_days), reply),
        "reply_due": reply,
        "complete_due": complete,
        "report_due": given.get("report_due") or calendar.add_working_days(complete, policy.report_after),
        "visit_due": given.get("visit_due") or calendar.add_working_days(complete, policy.visit_after),
    }


def open_deadline_keys(issue: Issue) -> tuple[str, ...]:
    """The deadlines still to be met in the issue's state: those of its stage, less 限期回复 once
    the reporter has been answered and 限期报告 once the report is made in this round."""
    met = {"reply_due": issue.answered_at is not None, "report_due": issue.reported_at is not None}
    return tuple(k for k in OPEN_DEADLINES.get(issue.status, ()) if not met.get(k))


def nearest_open_deadline(issue: Issue) -> date | None:
    """The deadline the issue must meet next, or None while its clock is stopped."""
    present = [d for d in (getattr(issue, key) for key in open_deadline_keys(issue)) if d is not None]
    return min(present) if present else None


def yellow_threshold(today: date, calendar: WorkCalendar, within: int = YELLOW_WITHIN_DAYS) -> date:
    return calendar.add_working_days(today, within)


def flag_for(next_due: date | None, today: date, calendar: WorkCalendar) -> str | None:
    if next_due is None:
        return None
    if next_due < today:
        return Flag.RED
    if next_due <= yellow_threshold(today, calendar):
        return Flag.YELLOW
    return Flag.GREEN
