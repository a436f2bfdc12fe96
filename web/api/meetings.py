from flask_smorest import Blueprint

from service import meetings

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


@blp.get("")
@blp.arguments(MeetingListArgs, location="query")
@blp.response(200, MeetingPage)
def list_meetings(args):
    """会议列表，最新的在前"""
    current_user()
    rows, next_cursor = meetings.list_meetings(db(), args["kind"], args["limit"], args["cursor"])
    return {"items": _with_counts(rows), "next_cursor": next_cursor}


@blp.post("")
@blp.arguments(MeetingSchema)
@blp.response(201, MeetingSchema)
def create_meeting(body):
    """安排会议（县营商办）"""
    return _with_counts([meetings.create_meeting(db(), current_user(), body, now())])[0]


@blp.get("/<id:meeting_id>")
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id: int):
    """一次会议"""
    current_user()
    return _with_counts([meetings.get_meeting(db(), meeting_id)])[0]


@blp.patch("/<id:meeting_id>")
@blp.arguments(MeetingPatch)
@blp.response(200, MeetingSchema)
def update_meeting(body, meeting_id: int):
    """修改会议信息（县营商办；会议的问题交办之前；修改留痕）"""
    return _with_counts([meetings.update_meeting(db(), current_user(), meeting_id, body, now())])[0]


@blp.get("/<id:meeting_id>/changes")
@blp.response(200, MeetingChanges)
def meeting_changes(meeting_id: int):
    """会议信息的修改记录"""
    current_user()
    meetings.get_meeting(db(), meeting_id)
    return {"items": meetings.meeting_changes(db(), meeting_id)}


@blp.post("/<id:meeting_id>/assignments")
@blp.arguments(AssignmentsIn)
@blp.response(200, AssignmentsOut)
def assign(body, meeting_id: int):
    """会议交办：一次交办本次会议的多件问题，全部成功或全部不保存"""
    user = current_user()
    done = meetings.assign_batch(db(), user, meeting_id, body["assignments"], now(),
                                 workflow_options())
    return {"items": issue_dicts(db(), done, user)}
