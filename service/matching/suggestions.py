"""推荐主办单位: the three most likely lead departments for an issue, learned from this county's
own past assignments (no model from anywhere else).

What it learns from. Each 交办 of an issue is an example of (the issue → its lead department)
unless that department returned it (退单): a returned assignment is not a positive example, it
is a negative one for that department. Features: the category, the township and the
enterprise's industry as tokens, and the title and content as character 1-3-grams (TF-IDF);
a multinomial logistic regression gives each department a share.

How a return lowers a department. Besides leaving the positives, each department's returned
issues are kept with the model; a new issue's share for a department is multiplied by
(1 − s), s being its greatest cosine likeness (same TF-IDF space) to an issue that department
returned, and the shares are renormalised. An issue just like one a department sent back is
therefore suggested to it less, the more alike the less.

Each suggestion also shows the department's 退单率 for such issues: its returns over its
assignments in the issue's category (all its assignments when it had none in that category).

Retrained by the scheduler (nightly) and on demand (`flask suggestions train`); the model is
stored in `suggestion_model`, the newest row in force. With fewer than MIN_SAMPLES usable
assignments or fewer than MIN_DEPARTMENTS departments, there is no model and the forms say so.
"""
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import joblib
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sqlalchemy import delete, select
from sqlmodel import Session

from models import Department, Enterprise, Issue, IssueEvent, SuggestionModel
from service.assessment.rates import rate

MIN_SAMPLES = 30
MIN_DEPARTMENTS = 3
TOP = 3


@dataclass(frozen=True)
class Example:
    """One issue as the model reads it."""

    title: str
    content: str
    category: str | None = None
    township: str | None = None
    industry: str | None = None

    def facets(self) -> str:
        return " ".join(f"{k}={v}" for k, v in (("类别", self.category), ("镇", self.township),
                                                 ("行业", self.industry)) if v)

    def text(self) -> str:
        return f"{self.title}。{self.title}。{self.content[:400]}"


class Suggester:
    """The trained model: TF-IDF of text and facets, the classifier, each department's
    returned issues (as vectors) and its return rates by category."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        self.facets = TfidfVectorizer(token_pattern=r"\S+", lowercase=False)
        self.classifier = LogisticRegression(C=20.0, max_iter=2000)
        self.returned: dict[int, object] = {}
        self.returns: dict[tuple[int, str | None], tuple[int, int]] = {}
        self.samples = 0

    def _x(self, examples: list[Example], fit: bool = False):
        texts, facets = [e.text() for e in examples], [e.facets() or "无" for e in examples]
        if fit:
            return hstack([self.words.fit_transform(texts), self.facets.fit_transform(facets)]).tocsr()
        return hstack([self.words.transform(texts), self.facets.transform(facets)]).tocsr()

    def fit(self, examples: list[Example], departments: list[int],
            returned: list[tuple[Example, int]] = ()) -> "Suggester":
        x = self._x(examples, fit=True)
        self.classifier.fit(x, departments)
        self.samples = len(examples)
        by_dept: dict[int, list[Example]] = {}
        for example, dept in returned:
            by_dept.setdefault(dept, []).append(example)
        self.returned = {d: normalize(self._x(items)) for d, items in by_dept.items()}
        return self

    def shares(self, examples: list[Example]) -> list[dict[int, float]]:
        x = self._x(examples)
        probabilities = self.classifier.predict_proba(x)
        unit = normalize(x)
        out = []
        for row, p in enumerate(probabilities):
            share = dict(zip((c.item() for c in self.classifier.classes_), p, strict=True))
            for dept, vectors in self.returned.items():
                if dept in share:
                    likeness = float((vectors @ unit[row].T).max())
                    share[dept] *= max(0.0, 1.0 - likeness)
            total = sum(share.values()) or 1.0
            out.append({d: v / total for d, v in share.items()})
        return out


@dataclass
class Suggestion:
    department_id: int
    name: str
    share: float
    return_rate: float | None  # 退单率 as the assessment computes rates (None: never assigned)
    returned: int
    assigned: int


@dataclass
class Suggestions:
    """What the assignment forms show: the suggestions, or why there are none."""

    items: list[Suggestion] = field(default_factory=list)
    samples: int = 0
    needed: int = MIN_SAMPLES
    trained_at: datetime | None = None

    @property
    def available(self) -> bool:
        return bool(self.items)


# --- what the county's history says ------------------------------------------------------------

@dataclass
class History:
    positives: list[tuple[Example, int]]
    returned: list[tuple[Example, int]]
    # (department, category) → (returned, assigned)
    counts: dict[tuple[int, str | None], tuple[int, int]]


def history(session: Session) -> History:
    """Every assignment on the county's timelines, with whether its department returned it."""
    events = session.execute(select(IssueEvent.issue_id, IssueEvent.action, IssueEvent.data)
                             .where(IssueEvent.action.in_(("assign", "return"))).order_by(IssueEvent.id)).all()
    outcome: dict[int, list[tuple[int, bool]]] = {}
    for issue_id, action, data in events:
        rounds = outcome.setdefault(issue_id, [])
        if action == "assign" and isinstance(data.get("lead_department_id"), int):
            rounds.append((data["lead_department_id"], False))
        elif action == "return" and rounds and rounds[-1][0] == data.get("department_id"):
            rounds[-1] = (rounds[-1][0], True)
    if not outcome:
        return History([], [], {})
    rows = session.execute(select(Issue.id, Issue.title, Issue.content, Issue.category, Issue.township,
                                  Enterprise.industry).outerjoin(Enterprise, Enterprise.id == Issue.enterprise_id)
                           .where(Issue.id.in_(list(outcome)))).all()
    positives, returned = [], []
    assigned, back = Counter(), Counter()
    for issue_id, title, content, category, township, industry in rows:
        example = Example(title, content, category, township, industry)
        for dept, was_returned in outcome[issue_id]:
            assigned[(dept, category)] += 1
            if was_returned:
                back[(dept, category)] += 1
                returned.append((example, dept))
            else:
                positives.append((example, dept))
    return History(positives, returned, {key: (back[key], n) for key, n in assigned.items()})


def enough(positives: list[tuple[Example, int]]) -> bool:
    return len(positives) >= MIN_SAMPLES and len({d for _, d in positives}) >= MIN_DEPARTMENTS


def train(session: Session, now: datetime) -> SuggestionModel | None:
    """Train on the county's history and keep the model (one transaction; commits). None, and
    any older model removed, when the history is too thin."""
    past = history(session)
    if not enough(past.positives):
        session.execute(delete(SuggestionModel))
        session.commit()
        return None
    model = Suggester().fit([e for e, _ in past.positives], [d for _, d in past.positives], past.returned)
    model.returns = past.counts
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    row = SuggestionModel(trained_at=now, samples=model.samples,
                          departments=len(model.classifier.classes_), payload=buffer.getvalue())
    session.add(row)
    session.flush()
    # the new row first, then the older ones go: ids grow, and a process's cache (by id) sees the change
    session.execute(delete(SuggestionModel).where(SuggestionModel.id < row.id))
    session.commit()
    return row


# Unpickled models by (row id, training time): each process reads a model once.
_LOADED: dict[tuple, Suggester] = {}


def _current(session: Session) -> tuple[SuggestionModel | None, Suggester | None]:
    row = session.execute(select(SuggestionModel.id, SuggestionModel.trained_at, SuggestionModel.samples)
                          .order_by(SuggestionModel.id.desc()).limit(1)).first()
    if row is None:
        return None, None
    key = (row.id, row.trained_at)
    if key not in _LOADED:
        payload = session.execute(select(SuggestionModel.payload).where(SuggestionModel.id == row.id)).scalar_one()
        _LOADED.clear()
        _LOADED[key] = joblib.load(io.BytesIO(payload))
    return SuggestionModel(id=row.id, trained_at=row.trained_at, samples=row.samples, departments=0,
                           payload=b""), _LOADED[key]


def suggest_for(session: Session, issues: list[Issue]) -> dict[int, Suggestions]:
    """The suggestions for each issue (by id): the three likeliest active departments."""
    row, model = _current(session)
    if model is None:
        usable = len(history(session).positives)
        return {i.id: Suggestions(samples=usable) for i in issues}
    industries = dict(session.execute(select(Enterprise.id, Enterprise.industry).where(
        Enterprise.id.in_({i.enterprise_id for i in issues if i.enterprise_id}))).all()) if issues else {}
    names = dict(session.execute(select(Department.id, Department.name).where(Department.active.is_(True))).all())
    examples = [Example(i.title, i.content, i.category, i.township, industries.get(i.enterprise_id)) for i in issues]
    out = {}
    for issue, shares in zip(issues, model.shares(examples) if examples else [], strict=True):
        best = sorted(((s, d) for d, s in shares.items() if d in names), reverse=True)[:TOP]
        items = []
        for share, dept in best:
            back, assigned = model.returns.get((dept, issue.category), (0, 0))
            if not assigned:
                back = sum(b for (d, _), (b, _) in model.returns.items() if d == dept)
                assigned = sum(n for (d, _), (_, n) in model.returns.items() if d == dept)
            items.append(Suggestion(dept, names[dept], share, rate(back, assigned),
                                    back, assigned))
        out[issue.id] = Suggestions(items, samples=row.samples, trained_at=row.trained_at)
    return out

