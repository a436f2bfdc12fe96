from flask import jsonify, request
from flask_smorest import Blueprint

from models import User
from models.workflow import EVENT_LABELS, STEPS
from service.core import idempotency
from service.intake import issues as intake
from service.workflow import queries as issues
from service.workflow import transition as workflow

from ..context import calendar, current_user, db, now, today, workflow_options
from ..schemas.actions import ACTION_SCHEMAS
from ..schemas.issues import (
    EventList,
    IssueCreate,
    IssueListArgs,
    IssueOut,
    IssuePage,
    IssuePatch,
)
from .present import issue_dict, issue_json, issue_page_response, new_issue_dict

blp = Blueprint("issues", __name__, url_prefix="/api/v1/issues",
                description="问题：登记、查询、修改与办理流程")


@blp.get("")
@blp.arguments(IssueListArgs, location="query")
@blp.response(200, IssuePage)
def list_issues(args):
    """问题列表（承办部门只看到本单位主办或协办的问题）"""
    user = current_user()
    limit, cursor = args.pop("limit"), args.pop("cursor")
    filters = issues.IssueFilters(**args)
    rows, next_cursor = issues.list_issues(db(), user, filters, today=today(), calendar=calendar(),
                                           limit=limit, cursor=cursor)
    # the IssuePage schema documents the answer; `issue_page_response` dumps it faster
    return issue_page_response(db(), rows, next_cursor, filters.q)


@blp.post("")
@blp.arguments(IssueCreate)
@blp.response(201, IssueOut)
def create_issue(body):
    """登记问题（问题收集）"""
    user = current_user()
    issue = intake.create_issue(db(), user, body, now(), track_url=workflow_options().track_url)
    return new_issue_dict(db(), issue, user)


@blp.get("/<id:issue_id>")
@blp.response(200, IssueOut)
def get_issue(issue_id: int):
    """一件问题的全部信息，以及当前用户现在可做的操作"""
    user = current_user()
    return issue_dict(db(), issues.get_visible(db(), user, issue_id), user)


@blp.patch("/<id:issue_id>")
@blp.arguments(IssuePatch)
@blp.response(200, IssueOut)
def patch_issue(body, issue_id: int):
    """修改问题的描述性内容，须带上当前 version"""
    user = current_user()
    return issue_dict(db(), intake.edit_issue(db(), user, issue_id, body, now()), user)


@blp.get("/<id:issue_id>/events")
@blp.response(200, EventList)
def issue_events(issue_id: int):
    """问题的办理时间线（只增不改）"""
    user = current_user()
    rows = issues.timeline(db(), user, issue_id)
    return {"items": [{**e.model_dump(), "actor_name": name, "label": EVENT_LABELS.get(e.action, e.action)}
                      for e, name in rows]}


IDEMPOTENCY_DOC = (
    "\n\n可带请求头 `Idempotency-Key`（1-128 个可见 ASCII 字符，如一个 UUID）：同一用户用同一键"
    "原样重发（如未收到答复时重试），答第一次的结果（响应头 `Idempotent-Replayed: true`），"
    "不会重复办理，也不会因状态已变而答 409；同一键用于不同请求答 422 `idempotency_key_reused`。"
    "键保留 24 小时。不带此头时，已办理成功的请求再发一次答 409。")


IDEMPOTENCY_HEADER = {"in": "header", "name": idempotency.HEADER, "required": False,
                      "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY,
                                 "pattern": "^[!-~]+$"},
                      "description": "重试安全键：同一用户原样重发时答第一次的结果"}


def _action_view(action: str, schema):
    @blp.arguments(schema)
    @blp.response(200, IssueOut)
    @blp.doc(parameters=[IDEMPOTENCY_HEADER])
    def view(body, issue_id: int):
        user: User = current_user()
        key = idempotency.check_key(request.headers.get(idempotency.HEADER))
        fingerprint = idempotency.fingerprint(request.method, request.path, request.get_json(silent=True))

        answer, replayed = workflow.transition_once(
            db(), user, issue_id, action, body, now(), workflow_options(), key=key, fingerprint=fingerprint,
            answer=lambda issue: issue_json(db(), issue, user))  # read in the step's own transaction
        response = jsonify(answer)
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    step = STEPS[action]
    view.__name__ = f"action_{action}"
    view.__doc__ = f"{step.label}（{action}）\n\n可由 {', '.join(sorted(step.roles))} 在 " \
                   f"{', '.join(sorted(step.from_states))} 状态下执行；必填：" \
                   f"{', '.join(step.required) or '无'}。" + IDEMPOTENCY_DOC
    blp.route(f"/<id:issue_id>/actions/{action}", methods=["POST"])(view)


for _action, _schema in ACTION_SCHEMAS.items():
    _action_view(_action, _schema)
