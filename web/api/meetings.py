from flask_smorest import Blueprint

from service.workflow import meetings

from ..context import current_user, db, now, workflow_options
from ..schemas.meetings import (
    AssignmentsIn,
    AssignmentsOut,
    MeetingChanges,
    MeetingListArgs,
    MeetingPage,
    MeetingPatch,
    MeetingSchema,
)
from .present import issue_dicts

blp = Blueprint("meetings", __name__, url_prefix="/api/v1/meetings", description="会议与会议交办")


def _with_counts(rows):
    counts = meetings.issue_counts(db(), [m.id for m in rows])
    return [{**m.model_dump(), "issue_count": counts.get(m.id, 0)} for m in rows]


def _as_read_by(user, rows):
    """The meetings as `user` may read them: without `attendees` unless he may see them."""
    shown = _with_counts(rows)
    if not meetings.shows_attendees(user):
        for meeting in shown:
            meeting.pop("attendees")
    return shown


@blp.get("")
@blp.arguments(MeetingListArgs, location="query")
@blp.response(200, MeetingPage)
def list_meetings(args):
    """会议列表，最新的在前

    话务员、县营商办、县委督查办可查看；参会人员（`attendees`）只对县营商办和县委督查办列出。
    承办部门、县级领导和系统管理员答 403。"""
    user = current_user()
    rows, next_cursor = meetings.read_meetings(db(), user, args["kind"], args["limit"], args["cursor"])
    return {"items": _as_read_by(user, rows), "next_cursor": next_cursor}


@blp.post("")
@blp.arguments(MeetingSchema)
@blp.response(201, MeetingSchema)
def create_meeting(body):
    """安排会议（县营商办）"""
    return _with_counts([meetings.create_meeting(db(), current_user(), body, now())])[0]


@blp.get("/<id:meeting_id>")
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id: int):
    """一次会议（谁可查看、谁看到参会人员：同会议列表）"""
    user = current_user()
    return _as_read_by(user, [meetings.read_meeting(db(), user, meeting_id)])[0]


@blp.patch("/<id:meeting_id>")
@blp.arguments(MeetingPatch)
@blp.response(200, MeetingSchema)
def update_meeting(body, meeting_id: int):
    """修改会议信息（县营商办；会议的问题交办之前；修改留痕）"""
    return _with_counts([meetings.update_meeting(db(), current_user(), meeting_id, body, now())])[0]


@blp.get("/<id:meeting_id>/changes")
@blp.response(200, MeetingChanges)
def meeting_changes(meeting_id: int):
    """会议信息的修改记录（可查看参会人员的县营商办、县委督查办）"""
    return {"items": meetings.read_meeting_changes(db(), current_user(), meeting_id)}


@blp.post("/<id:meeting_id>/assignments")
@blp.arguments(AssignmentsIn)
@blp.response(200, AssignmentsOut)
def assign(body, meeting_id: int):
    """会议交办：一次交办本次会议的多件问题，全部成功或全部不保存"""
    user = current_user()
    done = meetings.assign_batch(db(), user, meeting_id, body["assignments"], now(),
                                 workflow_options())
    return {"items": issue_dicts(db(), done, user)}
