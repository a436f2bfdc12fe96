"""Deadline policy, the nearest open deadline and the three colours (三色督办)."""
from datetime import date

from models import Flag, Issue, IssueType, Status

from .calendar import WorkCalendar

# Working days to complete, by issue type (after Guangdong 12345's reference rules).
COMPLETE_DAYS = {
    IssueType.CONSULT: 2,
    IssueType.HELP: 10,
    IssueType.SUGGESTION: 10,
    IssueType.COMPLAINT: 15,
    IssueType.REPORT: 15,
}
# Per channel, working days from assignment for the other deadlines. `None`: same as
# complete_due; a "+N" string: N working days after complete_due.
CHANNEL_POLICY: dict[str, dict[str, int | str | None]] = {
    "default": {"accept_due": 1, "reply_due": None, "report_due": "+2", "visit_due": "+5"},
    # 晚茶会: four deadlines — 限期回复 comes early, the rest follow completion.
    "evening_tea": {"accept_due": 1, "reply_due": 3, "report_due": "+2", "visit_due": "+5"},
    # 早餐会: the county head calls back at month end, so the visit follows quickly.
    "breakfast": {"accept_due": 1, "reply_due": None, "report_due": "+2", "visit_due": "+3"},
}
YELLOW_WITHIN_DAYS = 2


def default_deadlines(issue_type: str, channel: str, assigned_on: date,
                      calendar: WorkCalendar) -> dict[str, date]:
    complete = calendar.add_working_days(assigned_on, COMPLETE_DAYS.get(issue_type, 10))
    policy = CHANNEL_POLICY.get(channel, CHANNEL_POLICY["default"])
    result = {"complete_due": complete}
    for key, rule in policy.items():
        if rule is None:
            result[key] = complete
        elif isinstance(rule, str):
            result[key] = calendar.add_working_days(complete, int(rule))
        else:
            result[key] = min(calendar.add_working_days(assigned_on, rule), complete) \
                if key == "reply_due" else calendar.add_working_days(assigned_on, rule)
    return result


def nearest_open_deadline(issue: Issue) -> date | None:
    """The deadline the issue must meet next, or None while its clock is stopped."""
    if issue.status == Status.ASSIGNED:
        candidates = [issue.accept_due, issue.reply_due, issue.complete_due]
    elif issue.status == Status.IN_PROGRESS:
        candidates = [issue.reply_due, issue.complete_due, issue.report_due]
    elif issue.status == Status.REPLIED:
        candidates = [issue.visit_due]
    else:
        return None
    present = [d for d in candidates if d is not None]
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
