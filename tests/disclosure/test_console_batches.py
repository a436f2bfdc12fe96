"""公示批次 in the console: the office lists the batches with their open objections, makes one of
a meeting's or a period's published issues (refusals name the field), answers an objection on
record and the answer shows on the public page; nobody else opens these pages."""
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from models import DisclosureBatch, DisclosureBatchIssue, Issue, Objection
from service.deadlines.calendar import LOCAL_TZ, local_date

from ..console import Console
from ..public_helpers import published, walk
from .test_disclosure_batches import object_to

TITLE = "2026年第3期服务企业早餐会问题办理情况公示"


def day(days: int) -> str:
    return (local_date(datetime.now(timezone.utc)) + timedelta(days=days)).isoformat()


def meeting(api, county, title="10月服务企业早餐会") -> int:
    return api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": title, "held_at": "2026-10-15T07:30:00+08:00",
        "host_leader_id": county.user_id("leader")})["id"]


def form(**over) -> dict:
    return {"title": TITLE, "starts_on": day(-1), "ends_on": day(6), "way": "meeting", "meeting_id": "",
            "published_from": "", "published_to": "", **over}


def batch_issue_ids(db, batch_id: int) -> list[int]:
    return sorted(db.exec(select(DisclosureBatchIssue.issue_id).where(DisclosureBatchIssue.batch_id == batch_id)))


def test_the_office_makes_a_batch_of_a_meetings_published_issues(app, api, county, db):
    mid = meeting(api, county)
    ours = [published(api, meeting_id=mid, channel=None), published(api, meeting_id=mid, channel=None)]
    published(api)   # another published issue, of no meeting
    office = Console(app, "coordinator")
    page = office.text("/console/batches")
    assert "还没有公示批次" in page and "10月服务企业早餐会（已公示 2 件）" in page
    assert 'href="/console/batches"' in page   # in the menu

    resp = office.post("/console/batches", form(meeting_id=str(mid)))
    assert resp.status_code == 302
    batch = db.exec(select(DisclosureBatch)).one()
    assert resp.headers["Location"].endswith(f"/console/batches/{batch.id}")
    assert (batch.title, batch.meeting_id, batch.starts_on.isoformat()) == (TITLE, mid, day(-1))
    assert batch_issue_ids(db, batch.id) == sorted(i["id"] for i in ours)
    listed = office.text("/console/batches")
    assert TITLE in listed and f"{day(-1)} 至 {day(6)}" in listed
    assert f'href="/batches/{batch.id}"' in listed and f'href="/console/batches/{batch.id}/print"' in listed
    row = listed.split(f'data-batch="{batch.id}"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end">2</td>' in row and "data-open-objections>0<" in row


def test_the_office_makes_a_batch_of_a_periods_published_issues(app, api, db):
    early, inside, late = published(api), published(api), published(api)
    for issue, days in ((early, -20), (inside, -5), (late, 0)):
        row = db.get(Issue, issue["id"])
        row.published_at = datetime.now(timezone.utc) + timedelta(days=days)
        db.add(row)
    db.commit()
    office = Console(app, "coordinator")
    resp = office.post("/console/batches", form(way="period", published_from=day(-7), published_to=day(-1)))
    assert resp.status_code == 302
    batch = db.exec(select(DisclosureBatch)).one()
    assert batch_issue_ids(db, batch.id) == [inside["id"]] and batch.meeting_id is None


def test_refusals_name_the_field_and_keep_what_was_typed(app, api, county, db):
    published(api)
    empty_meeting = meeting(api, county, "没有公示问题的会议")
    office = Console(app, "coordinator")
    cases = [
        (form(title=" "), "title", "请填写公示批次名称"),
        (form(starts_on=""), "starts_on", "请填写公示期开始日期"),
        (form(ends_on=day(-3)), "ends_on", "公示期结束日期不能早于开始日期"),
        (form(way=""), "way", "请选择按会议还是按发布日期选取问题"),
        (form(way="meeting"), "way", "请选择要公示的问题，或选择一次会议，或填写一段发布日期"),
        (form(meeting_id=str(empty_meeting)), "meeting_id", "该会议没有已公示的问题"),
        (form(way="period", published_to=day(0)), "published_from", "请填写发布日期（起）"),
        (form(way="period", published_from=day(0), published_to=day(-2)), "published_to",
         "发布日期（止）不能早于发布日期（起）"),
        (form(way="period", published_from=day(-30), published_to=day(-20)), "published_from",
         "没有发布的公示问题"),
        (form(way="period", published_from="2026-02-30", published_to=day(0)), "published_from", ""),
        (form(way="elsewhere"), "way", "请选择按会议还是按发布日期选取问题"),
    ]
    for data, field, message in cases:
        resp = office.post("/console/batches", data)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, (data, resp.status_code)
        assert f'id="f-{field}' in html and message in html, (field, message)
        # the field at fault is marked, what was typed is shown again
        marked = html.split(f'id="f-{field}', 1)[0].rsplit("<", 1)[1] if field != "way" else \
            html.split('id="f-way-meeting"', 1)[0].rsplit("<", 1)[1]
        assert "is-invalid" in marked, field
        if data["title"].strip():
            assert f'value="{data["title"]}"' in html
    assert db.exec(select(DisclosureBatch)).all() == []


def test_the_office_answers_an_objection_and_the_public_page_shows_it(app, api, client, db):
    shown, withdrawn = published(api), published(api, summary="供电线路已改造。")
    batch = api.ok("POST", "/api/v1/disclosure-batches", "coordinator", status=201, json={
        "title": TITLE, "issue_ids": [shown["id"], withdrawn["id"]], "starts_on": day(-1), "ends_on": day(5)})
    assert object_to(client, batch["id"], issue_code=shown["code"]).status_code == 303
    objection = db.exec(select(Objection)).one()
    walk(api, withdrawn, [("withdraw", "coordinator", {"reason": "企业反映内容有误，核实后重新公示"})])
    office = Console(app, "coordinator")
    listed = office.text("/console/batches")
    assert "data-open-objections><span class=\"badge text-bg-warning\">1</span>" in listed

    page = office.text(f"/console/batches/{batch['id']}")
    assert "赵骁璟" in page and "13911112222" in page and shown["code"] in page   # the office reads it in full
    assert "已撤回" in page and "企业反映内容有误，核实后重新公示" in page and "其中已撤回 1 件" in page
    answer_url = f"/console/batches/{batch['id']}/objections/{objection.id}/answer"
    blank = office.post(answer_url, {"answer": "  "})
    assert blank.status_code == 422 and "请填写答复内容" in blank.get_data(as_text=True)
    db.rollback()   # a fresh read, not this session's snapshot
    db.refresh(objection)
    assert objection.answer is None
    # an objection is answered from its own batch's page only
    other = api.ok("POST", "/api/v1/disclosure-batches", "coordinator", status=201, json={
        "title": "另一期", "issue_ids": [shown["id"]], "starts_on": day(-1), "ends_on": day(5)})
    assert office.post(f"/console/batches/{other['id']}/objections/{objection.id}/answer",
                       {"answer": "答到别处"}).status_code == 404

    done = office.post(answer_url, {"answer": "经复核，坑洼路段已列入本月维修计划。"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"#objection-{objection.id}")
    db.rollback()   # a fresh read, not this session's snapshot
    db.refresh(objection)
    assert objection.answer == "经复核，坑洼路段已列入本月维修计划。" and objection.answered_by_id
    again = office.post(answer_url, {"answer": "改一下"})
    assert again.status_code == 409 and "答复已存档不能修改" in again.get_data(as_text=True)
    db.rollback()   # a fresh read, not this session's snapshot
    db.refresh(objection)
    assert objection.answer == "经复核，坑洼路段已列入本月维修计划。"
    assert "data-open-objections>0<" in office.text("/console/batches")

    public = client.get(f"/batches/{batch['id']}").get_data(as_text=True)
    assert "经复核，坑洼路段已列入本月维修计划。" in public and "待答复" not in public
    assert objection.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") in public   # county time, as the console
    assert "赵骁璟" not in public and "13911112222" not in public
    printed = office.text(f"/console/batches/{batch['id']}/print")
    assert TITLE in printed and "经复核，坑洼路段已列入本月维修计划。" in printed and "赵*璟" in printed
    assert "13911112222" not in printed and "已撤回" in printed and "供电线路已改造。" not in printed


def test_nobody_but_the_office_opens_the_batch_pages(app, api, db):
    batch = api.ok("POST", "/api/v1/disclosure-batches", "coordinator", status=201, json={
        "title": TITLE, "issue_ids": [published(api)["id"]], "starts_on": day(-1), "ends_on": day(5)})
    objection = Objection(batch_id=batch["id"], name="赵骁璟", phone="13911112222", content="异议",
                          at=datetime.now(timezone.utc))
    db.add(objection)
    db.commit()
    for who in ("fgj", "supervisor", "operator", "leader"):
        user = Console(app, who)
        for path in ("/console/batches", f"/console/batches/{batch['id']}", f"/console/batches/{batch['id']}/print"):
            resp = user.get(path)
            assert resp.status_code in (403, 404), (who, path, resp.status_code)
            assert "13911112222" not in resp.get_data(as_text=True)
        assert "/console/batches" not in user.text("/console/password")   # not in the menu
        assert user.post("/console/batches", form(way="period", published_from=day(-1), published_to=day(0))) \
            .status_code in (403, 404)
        assert user.post(f"/console/batches/{batch['id']}/objections/{objection.id}/answer",
                         {"answer": "越权答复"}).status_code in (403, 404)
    db.rollback()   # a fresh read, not this session's snapshot
    db.refresh(objection)
    assert objection.answer is None and len(db.exec(select(DisclosureBatch)).all()) == 1
    assert Console(app, "coordinator").get("/console/batches/999").status_code == 404
