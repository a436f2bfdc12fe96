"""Turning issues into the API's output shape (staff view)."""
from collections.abc import Callable

from flask import Response, jsonify
from marshmallow import Schema, fields
from sqlmodel import Session

from models import DEADLINE_KEYS, Issue, Status, User
from service.deadlines.rules import flag_for
from service.workflow.merged import merged_issues
from service.workflow.queries import co_department_ids, current_evaluation, matched_fields
from service.workflow.transition import allowed_actions

from ..context import calendar, today
from ..schemas.issues import IssueOut

# The columns the output shows (IssueOut's fields that are columns): no other is read.
OUT_COLUMNS = tuple(k for k in IssueOut().dump_fields if k in Issue.model_fields)


def issue_dicts(session: Session, issues: list[Issue], user: User | None = None, *,
                co: dict[int, list[int]] | None = None) -> list[dict]:
    """Staff view of issues; with `user`, each carries the actions that user may take now.
    `co`: the co-handling departments by issue id, when the caller knows them already."""
    if co is None:
        co = co_department_ids(session, [i.id for i in issues])
    day = today()
    # an issue without an open deadline has no colour: the calendar is not needed for it
    cal = calendar() if any(i.next_due for i in issues) else None
    out = []
    for issue in issues:
        data = {k: getattr(issue, k) for k in OUT_COLUMNS}
        data["reporter"] = {"name": issue.reporter_name, "org": issue.reporter_org,
                            "phone": issue.reporter_phone, "kind": issue.reporter_kind,
                            "consent_public": issue.reporter_consent_public}
        data["deadlines"] = {k: getattr(issue, k) for k in DEADLINE_KEYS}
        data["co_department_ids"] = co[issue.id]
        data["flag"] = flag_for(issue.next_due, day, cal) if cal else None
        if user is not None:
            data["allowed_actions"] = allowed_actions(session, user, issue)
        out.append(data)
    return out


# Only a closed or published issue has an evaluation in force (a 重办 starts a round without one).
EVALUATED_STATES = frozenset({Status.CLOSED, Status.PUBLISHED})


def issue_dict(session: Session, issue: Issue, user: User) -> dict:
    """One issue, with its 整改评估 in force and the issues merged into it (not in lists)."""
    data = issue_dicts(session, [issue], user)[0]
    evaluation = current_evaluation(session, issue) if issue.status in EVALUATED_STATES else None
    data["evaluation"] = evaluation and {k: getattr(evaluation, k) for k in (
        "verdict", "evidence", "attachment_ids", "evaluator_id", "evaluated_on", "at")}
    data["merged_issues"] = [{k: getattr(m, k) for k in ("id", "code", "created_at", "reporter", "satisfaction",
                                                          "rated_at")} for m in merged_issues(session, issue.id)]
    return data


def new_issue_dict(session: Session, issue: Issue, user: User) -> dict:
    """`issue_dict` of an issue just logged: it has no co-handling department yet."""
    return issue_dicts(session, [issue], user, co={issue.id: []})[0]


def dumper(schema: Schema) -> Callable[[dict], dict]:
    """What `schema.dump(data)` gives for a dict `data`, through each field's public
    `serialize` (with `dict.get` as its accessor) without the schema's per-call set-up: a key
    left out of `data` is left out of the result, nested schemas likewise. For a page of 50
    issues `Schema.dump` took a third of the request's time. The result is checked against
    `schema.dump` in tests/test_query_counts.py."""
    plan = []
    for name, field in schema.dump_fields.items():
        if field.attribute or (field.data_key and field.data_key != name):
            raise TypeError(f"{name}: renamed fields are not supported here")
        if isinstance(field, fields.Nested):
            inner, many = dumper(field.schema), field.many or field.schema.many
            plan.append((name, lambda data, name=name, inner=inner, many=many:
                         None if (v := data[name]) is None else [inner(x) for x in v] if many else inner(v)))
        else:
            plan.append((name, lambda data, field=field, name=name: field.serialize(name, data, dict.get)))

    def dump(data: dict) -> dict:
        return {name: convert(data) for name, convert in plan if name in data}

    return dump


def issue_page_response(session: Session, issues: list[Issue], next_cursor: str | None,
                        q: str | None = None) -> Response:
    """The JSON of a page of issues (the `IssuePage` schema, dumped by `dumper`); with a search
    `q`, each says where it matched."""
    items = issue_dicts(session, issues)
    if q:
        for data, issue in zip(items, issues, strict=True):
            data["matched"] = matched_fields(issue, q)
    return jsonify({"items": [_dump_issue(d) for d in items], "next_cursor": next_cursor})


_dump_issue = dumper(IssueOut())


def issue_json(session: Session, issue: Issue, user: User) -> dict:
    """`issue_dict` dumped as IssueOut: what the answer's JSON holds."""
    return _dump_issue(issue_dict(session, issue, user))
