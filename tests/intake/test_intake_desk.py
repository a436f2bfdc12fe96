"""The hotline desk's rules: the channel from the clock, the caller's earlier issues, a call
answered on the spot saved in one go."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models import Issue, IssueEvent
from service.core.errors import Forbidden, Invalid
from service.deadlines.calendar import LOCAL_TZ
from service.intake import issues as intake
from service.workflow.meetings import ensure_evening_tea_meetings

from ..helpers import REPORTER


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(("moment", "channel"), [
    (local(2026, 12, 1, 18, 59, 59), "hotline"),
    (local(2026, 12, 1, 19, 0), "evening_tea"),
    (local(2026, 12, 1, 19, 45), "evening_tea"),
    (local(2026, 12, 1, 20, 30), "evening_tea"),
    (local(2026, 12, 1, 20, 30, 59), "evening_tea"),
    (local(2026, 12, 1, 20, 31), "hotline"),
    (local(2026, 12, 15, 19, 0), "evening_tea"),
    (local(2026, 12, 15, 20, 30), "evening_tea"),
    (local(2026, 12, 2, 19, 30), "hotline"),
    (local(2026, 12, 16, 19, 30), "hotline"),
    (local(2026, 12, 31, 19, 30), "hotline"),
])
def test_the_channel_of_a_call_comes_from_the_clock(moment, channel):
    assert intake.channel_for_call(moment) == channel


def test_the_clock_is_read_in_the_county_time_zone():
    # 11:30 UTC is 19:30 in Asia/Shanghai; 19:30 UTC on the 1st is already 03:30 on the 2nd.
    assert intake.channel_for_call(datetime(2026, 12, 1, 11, 30, tzinfo=timezone.utc)) == "evening_tea"
    assert intake.channel_for_call(datetime(2026, 12, 1, 19, 30, tzinfo=timezone.utc)) == "hotline"
    assert intake.channel_for_call(datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc)) == "hotline"


def test_earlier_issues_by_phone_newest_first(api, db, county):
    first = api.create_issue(title="第一次反映")
    other = api.create_issue(title="别人的问题", reporter={**REPORTER, "phone": "13900001111"})
    second = api.create_issue(title="第二次反映")

    found = intake.earlier_by_phone(db, " 13812345678 ")
    assert [i.code for i in found] == [second["code"], first["code"]]
    assert [i.code for i in intake.earlier_by_phone(db, "13812345678", limit=1)] == [second["code"]]
    assert [i.code for i in intake.earlier_by_phone(db, "13900001111")] == [other["code"]]
    assert intake.earlier_by_phone(db, "") == [] and intake.earlier_by_phone(db, None) == []
    assert intake.earlier_by_phone(db, "13700000000") == []


def test_earlier_issues_only_those_the_reader_may_see(api, db, county):
    api.create_issue(title="未交办")
    assert len(intake.earlier_by_phone(db, "13812345678", actor=county.users["operator"])) == 1
    assert intake.earlier_by_phone(db, "13812345678", actor=county.users["fgj"]) == []


def _call(**over) -> dict:
    data = {"title": "园区道路破损", "content": "货车绕行", "channel": "hotline", "type": "consult",
            "reporter": dict(REPORTER)}
    data.update(over)
    return data


def test_a_call_answered_on_the_spot_is_saved_with_its_answer(db, county):
    now = datetime.now(timezone.utc)
    issue = intake.record_call(db, county.users["operator"], _call(), now, answer="已当场解答")
    assert issue.status == "replied" and issue.result == "已当场解答" and issue.answered_on_spot
    actions = list(db.execute(select(IssueEvent.action).where(IssueEvent.issue_id == issue.id)
                              .order_by(IssueEvent.id)).scalars())
    assert actions == ["create", "answer_on_spot"]

    closed = intake.record_call(db, county.users["operator"], _call(), now, answer="已解答", satisfaction="satisfied")
    assert closed.status == "closed" and closed.satisfaction == "satisfied"


def test_a_call_whose_answer_is_refused_is_not_saved_at_all(db, county):
    before = db.execute(select(func.count()).select_from(Issue)).scalar_one()
    with pytest.raises(Invalid) as refused:
        intake.record_call(db, county.users["operator"], _call(), datetime.now(timezone.utc), answer="")
    assert refused.value.fields == {"answer": "必填"}
    assert db.execute(select(func.count()).select_from(Issue)).scalar_one() == before


@pytest.mark.both_db  # ensure_evening_tea_meetings locks on PostgreSQL
def test_the_desk_preselects_tonights_meeting_during_the_session(db, county):
    session_time = local(2026, 12, 1, 19, 5)
    tonight = ensure_evening_tea_meetings(db, session_time, days_ahead=0)[0]
    during = intake.intake_defaults(db, county.users["operator"], session_time)
    assert (during.channel, during.meeting_id) == ("evening_tea", tonight.id)
    assert tonight.id in [m.id for m in during.meetings]
    assert during.categories[:2] == ["行政审批", "证照办理"]  # the county's list, in its order
    morning = intake.intake_defaults(db, county.users["operator"], local(2026, 12, 1, 9, 0))
    assert (morning.channel, morning.meeting_id) == ("hotline", None)
    with pytest.raises(Forbidden):
        intake.intake_defaults(db, county.users["fgj"], session_time)


def test_the_desk_takes_tea_calls_on_exactly_the_evenings_a_tea_meeting_is_held(db, county):
    """The days and the hour of the “听您说”晚茶会 are one rule: the scheduler creates a
    meeting on the evenings the desk routes calls to the evening-tea channel, starting at the
    minute the desk starts doing so."""
    meetings = ensure_evening_tea_meetings(db, local(2027, 1, 1, 8, 0), days_ahead=58)
    held = {m.held_at.astimezone(LOCAL_TZ) for m in meetings}
    assert held == {local(2027, 1, 1, 19, 0), local(2027, 1, 15, 19, 0), local(2027, 2, 1, 19, 0),
                    local(2027, 2, 15, 19, 0)}
    tea_calls = {local(2027, m, d, 19, 0) for m in (1, 2) for d in range(1, 29)
                 if intake.channel_for_call(local(2027, m, d, 19, 0)) == "evening_tea"}
    assert tea_calls == held
    assert {intake.channel_for_call(moment - timedelta(minutes=1)) for moment in held} == {"hotline"}
