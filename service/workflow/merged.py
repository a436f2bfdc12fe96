"""The issues merged into another (重复反映、合并办理), as the main issue shows them: each with its
date, its reporter masked, and that reporter's rating of the main issue's outcome if they gave
one (the `rate_outcome` step; their latest rating counts, every one stays on the timeline)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Issue, IssueEvent
from service.core.masking import mask_name, mask_phone


@dataclass(frozen=True)
class MergedIssue:
    id: int
    code: str
    title: str
    created_at: datetime
    reporter: str | None       # masked: 张*, or 138****1234 when no name was given
    satisfaction: str | None   # the reporter's latest rating of the main issue's outcome
    rated_at: datetime | None


def merged_issues(session: Session, issue_id: int) -> list[MergedIssue]:
    """The issues merged into `issue_id`, oldest first. Two queries, whatever their number."""
    rows = session.execute(select(Issue.id, Issue.code, Issue.title, Issue.created_at, Issue.reporter_name,
                                  Issue.reporter_phone)
                           .where(Issue.merged_into_id == issue_id).order_by(Issue.id)).all()
    if not rows:
        return []
    ratings: dict[int, IssueEvent] = {}
    for event in session.execute(select(IssueEvent).where(
            IssueEvent.issue_id.in_([r.id for r in rows]), IssueEvent.action == "rate_outcome")
            .order_by(IssueEvent.id)).scalars():
        ratings[event.issue_id] = event  # the latest wins
    out = []
    for r in rows:
        rating = ratings.get(r.id)
        out.append(MergedIssue(
            id=r.id, code=r.code, title=r.title, created_at=r.created_at,
            reporter=mask_name(r.reporter_name) or mask_phone(r.reporter_phone),
            satisfaction=rating.data.get("satisfaction") if rating else None,
            rated_at=rating.at if rating else None))
    return out
