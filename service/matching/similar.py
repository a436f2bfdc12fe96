"""相似问题: the open and recent issues most like the one being registered (or read), each with
why it matched: 同一企业, 同一来电, 内容相近 87%.

Candidates come from indexes, never from reading every issue:
- the same enterprise on record or the same caller's phone (indexed columns);
- similar titles: on PostgreSQL pg_trgm's `%` operator over the GIN trigram index of the
  title (migration 0019); on SQLite the FTS5 trigram table `issue_text` (migration 0007) asked
  for any of the typed title's trigrams, best ranked first.
The candidates are then scored in Python (`text.issue_similarity`) the same way on both.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text
from sqlmodel import Session

from models import Issue, IssueRepeat, Status, User
from service.workflow.visibility import visible_to

from .text import issue_similarity, normalise, trigrams

# Issues still open, or any registered within this many days, are worth a look.
RECENT_DAYS = 180
# 内容相近 from this likeness on; from DUPLICATE_THRESHOLD on, a call of the same enterprise
# or phone is a likely repeat (both measured on the evaluation set, docs/similar-issues.md).
TEXT_THRESHOLD = 0.30
DUPLICATE_THRESHOLD = 0.20
CANDIDATES = 40
CLOSED_OR_DROPPED = (Status.REJECTED,)

@dataclass
class SimilarIssue:
    id: int
    code: str
    title: str
    status: str
    created_at: datetime
    score: float
    reasons: list[str] = field(default_factory=list)
    repeats: int = 0

    @property
    def likely_repeat(self) -> bool:
        """The same enterprise or caller with a like problem: most likely the same issue."""
        return self.score >= DUPLICATE_THRESHOLD and any(r in ("同一企业", "同一来电") for r in self.reasons)

def _title_candidates(session: Session, title: str, since: datetime) -> list[int]:
    dialect = session.get_bind().dialect.name
    grams = sorted(trigrams(title))
    if not grams or len(normalise(title)) < 3:
        return []
    if dialect == "postgresql":
        # Local to this transaction: below pg_trgm's default 0.3 a paraphrased title still passes.
        session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', '0.2', true)"))
        return list(session.execute(
            select(Issue.id).where(Issue.title.op("%")(title), Issue.created_at >= since)
            .order_by(func.similarity(Issue.title, title).desc()).limit(CANDIDATES)).scalars())
    if dialect == "sqlite":
        query = "title : (" + " OR ".join('"' + g.replace('"', '""') + '"' for g in grams[:64]) + ")"
        rows = session.execute(text(
            "SELECT issue_text.rowid FROM issue_text JOIN issue ON issue.id = issue_text.rowid "
            "WHERE issue_text MATCH :q AND issue.created_at >= :since ORDER BY rank LIMIT :n"),
            {"q": query, "since": since, "n": CANDIDATES}).scalars()
        return list(rows)
    return []

def find_similar(session: Session, actor: User, *, title: str = "", content: str = "",
                 phone: str | None = None, enterprise_id: int | None = None, org: str | None = None,
                 exclude_id: int | None = None, now: datetime, limit: int = 5) -> list[SimilarIssue]:
    """The issues `actor` may see that look like the one described, best first."""
    since = now - timedelta(days=RECENT_DAYS)
    title = (title or "").strip()[:200]
    probe = title or (content or "").strip()[:40]
    ids = set(_title_candidates(session, probe, since))
    phone = (phone or "").strip()[:20] or None
    same = []
    if phone:
        same.append(Issue.reporter_phone == phone)
    if enterprise_id:
        same.append(Issue.enterprise_id == enterprise_id)
    if same:
        ids |= set(session.execute(select(Issue.id).where(or_(*same), Issue.created_at >= since)
                                   .order_by(Issue.id.desc()).limit(CANDIDATES)).scalars())
        if phone:  # a caller already linked as a repeat of an issue
            ids |= set(session.execute(select(IssueRepeat.issue_id).where(IssueRepeat.reporter_phone == phone)
                                       .order_by(IssueRepeat.id.desc()).limit(CANDIDATES)).scalars())
    ids.discard(exclude_id)
    if not ids:
        return []
    rows = session.execute(select(Issue).where(Issue.id.in_(ids), visible_to(actor),
                                               Issue.status.not_in(CLOSED_OR_DROPPED),
                                               Issue.merged_into_id.is_(None))).scalars()
    names = {n for n in (org,) if n}
    found = []
    for issue in rows:
        reasons = []
        if enterprise_id and issue.enterprise_id == enterprise_id:
            reasons.append("同一企业")
        if phone and issue.reporter_phone == phone:
            reasons.append("同一来电")
        score = (issue_similarity(probe, content, issue.title, issue.content, names | {issue.reporter_org})
                 if probe else 0.0)
        if score >= TEXT_THRESHOLD:
            reasons.append(f"内容相近 {round(score * 100)}%")
        elif not reasons:
            continue
        found.append(SimilarIssue(issue.id, issue.code, issue.title, issue.status, issue.created_at,
                                  score, reasons))
    # Likeness of the problem first; the same caller or enterprise adds weight.
    found.sort(key=lambda s: (s.score + 0.25 * (len(s.reasons) - (s.score >= TEXT_THRESHOLD)), s.id),
               reverse=True)
    found = found[:limit]
    counts = repeat_counts(session, [s.id for s in found])
    for s in found:
        s.repeats = counts.get(s.id, 0)
    return found

def repeat_counts(session: Session, issue_ids: list[int]) -> dict[int, int]:
    """重复反映 N 次: how many calls were linked to each issue as repeats."""
    if not issue_ids:
        return {}
    return dict(session.execute(select(IssueRepeat.issue_id, func.count()).where(IssueRepeat.issue_id.in_(issue_ids))
                                .group_by(IssueRepeat.issue_id)).all())
