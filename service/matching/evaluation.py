"""An honest measure of the suggestions and of the similar-issue look-up, on a labelled set of
issue texts (tests/data/issue_eval.csv, read by `flask suggestions evaluate`).

- Suggestions: top-1 and top-3 hit rates by 5-fold cross-validation, twice: folds drawn at
  random (stratified by department: a problem raised by two enterprises may be in training and
  test alike, as happens in a county where the same problems come back), and folds by problem
  (GroupKFold: every wording of a problem is held out together, so the model meets a problem
  it has never seen; the harder and more honest figure).
  A third run holds problems out and gives the model the text alone (no category, township or
  industry), to show how much those carry.
- Similar issues: every pair of rows is scored as the look-up scores a candidate
  (`text.issue_similarity`); a pair of the same enterprise or phone at or above the duplicate
  threshold is flagged as a likely repeat. Precision and recall against the planted duplicates
  (`dup_of`), and for each planted repeat whether the look-up lists its issue first / in its five.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from sklearn.model_selection import GroupKFold, StratifiedKFold

from .similar import DUPLICATE_THRESHOLD
from .suggestions import Example, Suggester
from .text import issue_similarity


@dataclass
class Figures:
    rows: int
    departments: int
    top1: float
    top3: float
    top1_unseen: float
    top3_unseen: float
    top1_text_only: float   # problems held out, and no category, township or industry
    top3_text_only: float
    duplicates: int
    flagged: int
    precision: float
    recall: float
    threshold: float
    repeat_first: float     # the repeated issue first in the look-up's list
    repeat_shown: float     # among the five shown


def _hits(rows: list[dict], folds: Iterable) -> tuple[float, float]:
    top1 = top3 = 0
    for train, test in folds:
        model = Suggester().fit([_example(rows[i]) for i in train], [rows[i]["department"] for i in train])
        for i, shares in zip(test, model.shares([_example(rows[i]) for i in test]), strict=True):
            ranked = sorted(shares, key=shares.get, reverse=True)
            top1 += ranked[0] == rows[i]["department"]
            top3 += rows[i]["department"] in ranked[:3]
    return top1 / len(rows), top3 / len(rows)


def _example(row: dict) -> Example:
    return Example(row["title"], row["content"], row.get("category") or None, row.get("township") or None,
                   row.get("industry") or None)


def _score(a: dict, b: dict) -> float:
    return issue_similarity(a["title"], a["content"], b["title"], b["content"],
                            (a.get("enterprise"), b.get("enterprise")))


def _same(a: dict, b: dict) -> bool:
    return bool(a.get("enterprise") and a["enterprise"] == b.get("enterprise")
                or a.get("phone") and a["phone"] == b.get("phone"))


def duplicate_pairs(rows: list[dict], threshold: float = DUPLICATE_THRESHOLD) -> tuple[set, set]:
    """(flagged pairs, planted pairs), each pair as (smaller id, larger id). A pair is flagged
    as a likely repeat as the look-up flags one: the same enterprise or phone, and texts alike
    at `threshold` or more."""
    planted = {tuple(sorted((int(r["id"]), int(r["dup_of"])))) for r in rows if r.get("dup_of")}
    flagged = {tuple(sorted((int(a["id"]), int(b["id"]))))
               for i, a in enumerate(rows) for b in rows[i + 1:] if _same(a, b) and _score(a, b) >= threshold}
    return flagged, planted


def shown_at_intake(rows: list[dict], limit: int = 5) -> tuple[float, float]:
    """For each planted repeat call: is the issue it repeats the first of the look-up's list,
    and is it among the `limit` shown? (ordered as `similar.find_similar` orders them)"""
    first = shown = 0
    repeats = [r for r in rows if r.get("dup_of")]
    for call in repeats:
        ranked = sorted((r for r in rows if r is not call),
                        key=lambda r: _score(call, r) + 0.25 * _same(call, r), reverse=True)
        ids = [int(r["id"]) for r in ranked[:limit]]
        first += ids[0] == int(call["dup_of"])
        shown += int(call["dup_of"]) in ids
    return first / len(repeats), shown / len(repeats)


def evaluate(rows: list[dict], threshold: float = DUPLICATE_THRESHOLD) -> Figures:
    labels = [r["department"] for r in rows]
    stratified = StratifiedKFold(n_splits=5, shuffle=True, random_state=21).split(rows, labels)
    top1, top3 = _hits(rows, stratified)
    grouped = GroupKFold(n_splits=5).split(rows, labels, groups=[r["problem"] for r in rows])
    top1_unseen, top3_unseen = _hits(rows, grouped)
    text_only = [{**r, "category": "", "township": "", "industry": ""} for r in rows]
    grouped = GroupKFold(n_splits=5).split(rows, labels, groups=[r["problem"] for r in rows])
    top1_text, top3_text = _hits(text_only, grouped)
    first, shown = shown_at_intake(rows)
    flagged, planted = duplicate_pairs(rows, threshold)
    true = len(flagged & planted)
    return Figures(len(rows), len(set(labels)), top1, top3, top1_unseen, top3_unseen, top1_text, top3_text,
                   len(planted), len(flagged), true / len(flagged) if flagged else 0.0,
                   true / len(planted) if planted else 0.0, threshold, first, shown)
