"""复查 and 问责 at service level: the sample holds every reopened and late issue of the half-month
plus the share of the rest, drawn once; 属实 changes nothing; 不属实 reopens the issue and counts
against the department on the 成绩单 and in the 擂台赛; 问责 records are on the 成绩单, cost
points in the 擂台赛, and a department reads only its own."""
import io
from copy import deepcopy
from datetime import date

import pytest
from sqlalchemy import select

from models import Issue, IssueEvent, RecheckMember, SmsMessage, Status, User
from service.assessment import report_card as card_service
from service.assessment.contest import DEFAULT_RULES, compute_quarter
from service.assessment.periods import Period
from service.assessment.rates import department_row
from service.core.errors import Conflict, Forbidden, Invalid, NotFound
from service.deadlines.calendar import WEEKDAYS
from service.supervision import accountability, recheck
from service.workflow.transition import transition

from ..assessment.test_assessment import Walk, at, nov

FIRST_HALF = Period(nov(1), nov(15))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def close(w: Walk, name: str, dept: str, day: int, *, late: bool = False, reopened: bool = False,
          closed_on: int | None = None) -> None:
    """An issue assigned on `day` and closed two days later (or on `closed_on`): accepted a day
    late when `late`, sent back once by an unsatisfied visit when `reopened`."""
    w.create(name, at(11, day, 8))
    w.assign(name, dept, at(11, day, 9), accept=nov(day), reply=nov(day + 1), complete=nov(day + 1))
    w.step(name, "accept", dept, at(11, day + 1 if late else day, 10))
    w.step(name, "reply", dept, at(11, day + 1, 11), result="已办结")
    if reopened:
        w.step(name, "visit", "coordinator", at(11, day + 1, 15), satisfaction="unsatisfied", note="问题仍然存在",
               deadlines={"reply_due": nov(day + 2), "complete_due": nov(day + 2), "report_due": nov(day + 4),
                          "visit_due": nov(day + 5)})
        w.step(name, "reply", dept, at(11, day + 2, 11), result="已重新办结")
    last = closed_on or day + 2
    w.step(name, "visit", "coordinator", at(11, last, 16), satisfaction="satisfied")


@pytest.fixture
def half(db, county) -> Walk:
    """The first half of November: B closed late, C reopened, eleven others on time; N closed
    in the second half."""
    w = Walk(db, county)
    close(w, "B", "fgj", 2, late=True)
    close(w, "C", "fgj", 3, reopened=True)
    for i, name in enumerate("ADEFGHIJKLM"):
        close(w, name, "zrj" if i % 2 else "fgj", 4 + i % 6)
    close(w, "N", "fgj", 16)
    db.commit()
    return w


def user(db, county, name: str) -> User:
    return db.get(User, county.user_id(name))


def members(db, sample_id: int) -> dict[int, str]:
    return {m.issue_id: m.reason for m in db.execute(select(RecheckMember).where(
        RecheckMember.sample_id == sample_id)).scalars()}


def test_the_sample_holds_every_reopened_and_late_issue_and_the_share_of_the_rest(db, county, half):
    supervisor = user(db, county, "supervisor")
    sample, created = recheck.draw_sample(db, supervisor, nov(10), 0.2, at(11, 20))
    assert created and (sample.period_start, sample.period_end) == (nov(1), nov(15))
    assert sample.pool == 13
    drawn = members(db, sample.id)
    ids = half.ids
    assert drawn[ids["B"]] == "late" and drawn[ids["C"]] == "reopened"
    rest = [i for i, why in drawn.items() if why == "drawn"]
    assert len(rest) == 3  # ⌈20% × 11⌉
    assert set(rest) <= {ids[n] for n in "ADEFGHIJKLM"}
    assert ids["N"] not in drawn  # closed in the second half


def test_drawing_the_same_half_month_again_answers_the_stored_sample(db, county, half):
    supervisor = user(db, county, "supervisor")
    first, _ = recheck.draw_sample(db, supervisor, nov(3), 0.2, at(11, 20))
    before = members(db, first.id)
    again, created = recheck.draw_sample(db, supervisor, nov(15), 0.9, at(11, 21))
    assert not created and again.id == first.id and members(db, again.id) == before
    # the seed shows the same draw again
    pool = recheck._pool(db, FIRST_HALF)
    assert dict(recheck.draw(pool, first.share, first.seed)) == before


def test_a_half_month_not_yet_ended_or_a_bad_share_is_refused_naming_the_field(db, county, half):
    supervisor = user(db, county, "supervisor")
    with pytest.raises(Invalid) as refused:
        recheck.draw_sample(db, supervisor, nov(16), 0.2, at(11, 30))
    assert "day" in refused.value.fields
    with pytest.raises(Invalid) as refused:
        recheck.draw_sample(db, supervisor, nov(1), 1.5, at(11, 20))
    assert "share" in refused.value.fields


def test_only_the_supervision_office_draws(db, county, half):
    for name in ("coordinator", "fgj"):
        with pytest.raises(Forbidden):
            recheck.draw_sample(db, user(db, county, name), nov(3), 0.2, at(11, 20))


def _member(db, sample_id: int, issue_id: int) -> RecheckMember:
    return db.execute(select(RecheckMember).where(RecheckMember.sample_id == sample_id,
                                                  RecheckMember.issue_id == issue_id)).scalar_one()


def test_true_changes_nothing_but_the_sample_and_the_timeline(db, county, half):
    supervisor = user(db, county, "supervisor")
    sample, _ = recheck.draw_sample(db, supervisor, nov(3), 0.0, at(11, 20))
    b = half.ids["B"]
    before = db.get(Issue, b)
    status, rounds, reopens, version = before.status, before.round_no, before.reopen_count, before.version
    member = recheck.decide(db, supervisor, _member(db, sample.id, b).id, "true", None, at(11, 21))
    assert member.verdict == "true" and member.event_id is not None
    db.expire_all()
    after = db.get(Issue, b)
    assert (after.status, after.round_no, after.reopen_count) == (status, rounds, reopens) == ("closed", 1, 0)
    assert after.version == version + 1
    event = db.get(IssueEvent, member.event_id)
    assert event.action == "recheck" and event.to_status == "closed" and event.data["verdict"] == "true"
    assert department_row(db, Period.month(2026, 11), at(11, 21), county.dept_id("fgj")).recheck_false == 0


def test_not_true_needs_a_note_then_reopens_and_counts_against_the_department(db, county, half):
    supervisor = user(db, county, "supervisor")
    sample, _ = recheck.draw_sample(db, supervisor, nov(3), 0.0, at(11, 20))
    b, fgj = half.ids["B"], county.dept_id("fgj")
    member_id = _member(db, sample.id, b).id
    november = Period.month(2026, 11)
    row = department_row(db, november, at(11, 21), fgj)
    reopens_before = row.reopens
    with pytest.raises(Invalid) as refused:
        recheck.decide(db, supervisor, member_id, "false", " ", at(11, 21))
    assert "note" in refused.value.fields
    assert db.get(Issue, b).status == "closed"

    recheck.decide(db, supervisor, member_id, "false", "实地核查，路面仍未修复", at(11, 21))
    db.expire_all()
    issue = db.get(Issue, b)
    assert issue.status == Status.IN_PROGRESS and issue.round_no == 2 and issue.reopen_count == 1
    assert issue.closed_at is None and issue.satisfaction is None
    told = db.execute(select(SmsMessage).where(SmsMessage.issue_id == b, SmsMessage.recipient_kind == "department")
                      .order_by(SmsMessage.id.desc())).scalars().first()
    assert told is not None and told.template == "reopened"
    assert "路面仍未修复" in told.body

    row = department_row(db, november, at(11, 21), fgj)
    assert row.recheck_false == 1 and row.reopens == reopens_before + 1
    assert department_row(db, november, at(11, 21), county.dept_id("zrj")).recheck_false == 0

    card = card_service.report_card(db, supervisor, fgj, november, at(11, 21), WEEKDAYS)
    figures = {name: value for name, value, _ in card_service.card_figures(card)}
    assert figures["复查不属实"] == 1

    with_it = compute_quarter(db, 2026, 4, DEFAULT_RULES, at(12, 1))
    fgj_row = next(r for r in with_it.table if r["department_id"] == fgj)
    assert fgj_row["recheck_false"] == 1 and fgj_row["deductions"]["recheck_false"] == 3.0
    free = deepcopy(DEFAULT_RULES)
    free["penalties"]["recheck_false"] = 0.0
    without = compute_quarter(db, 2026, 4, free, at(12, 1), recompute=True)
    fgj_free = next(r for r in without.table if r["department_id"] == fgj)
    assert fgj_free["points"] == pytest.approx(fgj_row["points"] + 3.0)


def test_a_verdict_is_given_once_only_on_a_sampled_issue_and_only_by_the_supervision_office(db, county, half):
    supervisor = user(db, county, "supervisor")
    sample, _ = recheck.draw_sample(db, supervisor, nov(3), 0.0, at(11, 20))
    member_id = _member(db, sample.id, half.ids["C"]).id
    with pytest.raises(Forbidden):
        recheck.decide(db, user(db, county, "coordinator"), member_id, "true", None, at(11, 21))
    recheck.decide(db, supervisor, member_id, "true", None, at(11, 21))
    with pytest.raises(Invalid):
        recheck.decide(db, supervisor, member_id, "false", "再次复查不属实", at(11, 22))
    not_drawn = next(i for n, i in half.ids.items() if i not in members(db, sample.id) and n != "N")
    with pytest.raises(Conflict) as refused:
        transition(db, supervisor, not_drawn, "recheck", {"verdict": "true"}, at(11, 21))
    assert refused.value.code == "not_in_sample"


# --- 问责 -------------------------------------------------------------------------------------

def _add(db, who: User, county, half, tmp_path, **over):
    body = dict(kind="criticism", department_id=county.dept_id("fgj"),
                issue_codes=[db.get(Issue, half.ids["B"]).code], document_no="县督查〔2026〕5号",
                decided_on=nov(20), note="办理不力", now=at(11, 25), storage_dir=tmp_path)
    body.update(over)
    return accountability.add_record(db, who, **body)


def test_an_accountability_record_is_on_the_report_card_and_costs_points(db, county, half, tmp_path):
    supervisor, fgj = user(db, county, "supervisor"), county.dept_id("fgj")
    record = _add(db, supervisor, county, half, tmp_path, document=io.BytesIO(PDF), document_name="决定.pdf")
    assert (tmp_path / record.document_stored_name).read_bytes() == PDF
    november = Period.month(2026, 11)
    card = card_service.report_card(db, supervisor, fgj, november, at(11, 25), WEEKDAYS)
    assert [(a.kind, a.document_no, a.issue_codes) for a in card.accountability] == [
        ("criticism", "县督查〔2026〕5号", [db.get(Issue, half.ids["B"]).code])]
    figures = {name: value for name, value, _ in card_service.card_figures(card)}
    assert figures["问责"] == 1
    other = card_service.report_card(db, supervisor, county.dept_id("zrj"), november, at(11, 25), WEEKDAYS)
    assert other.accountability == []

    result = compute_quarter(db, 2026, 4, DEFAULT_RULES, at(12, 1))
    row = next(r for r in result.table if r["department_id"] == fgj)
    assert row["accountability_criticism"] == 1 and row["deductions"]["accountability_criticism"] == 5.0
    free = deepcopy(DEFAULT_RULES)
    free["penalties"]["accountability_criticism"] = 0.0
    row_free = next(r for r in compute_quarter(db, 2026, 4, free, at(12, 1), recompute=True).table
                    if r["department_id"] == fgj)
    assert row_free["points"] == pytest.approx(row["points"] + 5.0)


def test_a_department_reads_only_its_own_records_and_cannot_enter_one(db, county, half, tmp_path):
    record = _add(db, user(db, county, "supervisor"), county, half, tmp_path, document=io.BytesIO(PDF),
                  document_name="决定.pdf")
    fgj, zrj = user(db, county, "fgj"), user(db, county, "zrj")
    assert [r.record.id for r in accountability.records(db, fgj)] == [record.id]
    assert accountability.records(db, zrj) == []
    with pytest.raises(NotFound):
        accountability.record(db, zrj, record.id)
    with pytest.raises(NotFound):
        accountability.open_document(db, zrj, record.id, tmp_path)
    with pytest.raises(NotFound):
        accountability.records(db, zrj, county.dept_id("fgj"))
    assert accountability.open_document(db, fgj, record.id, tmp_path)[1].read_bytes() == PDF
    for name in ("fgj", "coordinator"):
        with pytest.raises(Forbidden):
            _add(db, user(db, county, name), county, half, tmp_path)


@pytest.mark.parametrize("over, field", [
    ({"kind": "warning"}, "kind"),
    ({"department_id": None}, "department_id"),
    ({"issue_codes": []}, "issue_codes"),
    ({"issue_codes": ["2026-999999"]}, "issue_codes"),
    ({"document_no": "  "}, "document_no"),
    ({"decided_on": date(2026, 12, 31)}, "decided_on"),
    ({"document": io.BytesIO(b"MZ\x90\x00not a pdf"), "document_name": "决定.pdf"}, "document"),
    ({"document": io.BytesIO(PDF), "document_name": "决定.docx"}, "document"),
])
def test_bad_accountability_input_names_the_field_and_keeps_nothing(db, county, half, tmp_path, over, field):
    with pytest.raises(Invalid) as refused:
        _add(db, user(db, county, "supervisor"), county, half, tmp_path, **over)
    assert field in refused.value.fields
    db.rollback()
    assert accountability.records(db, user(db, county, "supervisor")) == []
    assert list(tmp_path.iterdir()) == []


def test_an_issue_of_another_department_is_refused(db, county, half, tmp_path):
    zrj_issue = next(db.get(Issue, i).code for i in half.ids.values() if db.get(Issue, i).lead_department_id
                     == county.dept_id("zrj"))
    with pytest.raises(Invalid) as refused:
        _add(db, user(db, county, "supervisor"), county, half, tmp_path, issue_codes=[zrj_issue])
    assert "不由县发改局主办" in refused.value.fields["issue_codes"]
