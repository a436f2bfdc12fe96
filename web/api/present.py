"""Turning issues into the API's output shape (staff view)."""
from sqlmodel import Session

from models import DEADLINE_KEYS, Issue, User
from service.deadlines import flag_for
from service.issues import co_department_ids
from service.workflow import allowed_actions

from ..context import calendar, today


def issue_dicts(session: Session, issues: list[Issue], user: User | None = None) -> list[dict]:
    """Staff view of issues; with `user`, each carries the actions that user may take now."""
    co = co_department_ids(session, [i.id for i in issues])
    day, cal = today(), calendar()
    out = []
    for issue in issues:
        data = {k: getattr(issue, k) for k in issue.__class__.model_fields}
        data["reporter"] = {"name": issue.reporter_name, "org": issue.reporter_org,
                            "phone": issue.reporter_phone, "kind": issue.reporter_kind,
                            "consent_public": issue.reporter_consent_public}
        data["deadlines"] = {k: getattr(issue, k) for k in DEADLINE_KEYS}
        data["co_department_ids"] = co[issue.id]
        data["flag"] = flag_for(issue.next_due, day, cal)
        if user is not None:
            data["allowed_actions"] = allowed_actions(session, user, issue)
        out.append(data)
    return out


def issue_dict(session: Session, issue: Issue, user: User) -> dict:
    return issue_dicts(session, [issue], user)[0]
