"""企业评议: the office opens a round over a finished period; each enterprise that dealt with
departments in it gets one SMS link and rates each of those departments once (1-5, a reason for
a low score); rounds never overlap; the results feed the 擂台赛 with the rules' weight once a
department has the minimum number of ratings, and show on its 成绩单; a department never learns
which enterprise said what."""
import io
import re
from copy import deepcopy
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import DepartmentRating, Enterprise, SmsMessage
from service.assessment import ratings
from service.assessment.contest import DEFAULT_RULES, compute_quarter, rating_rate
from service.assessment.periods import Period
from service.deadlines.calendar import LOCAL_TZ

from ..console import Console
from .test_assessment import Walk, at, nov

pytestmark = pytest.mark.both_db

ROUNDS = "/api/v1/ratings/rounds"
IN_DECEMBER = datetime(2026, 12, 5, 10, tzinfo=LOCAL_TZ)
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
REPORTER = {"name": "王建国", "phone": "13812345678", "kind": "enterprise"}


@pytest.fixture
def dealings(db, county) -> dict[str, int]:
    """Three enterprises with issues assigned in November:
    甲 (contact mobile 13900001111): two to fgj, one to scj; 乙 (no contact; its reporter's mobile):
    one to fgj; 丙 (a landline only, reported from a landline): one to scj; 丁: one in October."""
    made = {}
    for key, name, contact in (("甲", "县城甲制造有限公司", "13900001111"), ("乙", "乙农业发展有限公司", None),
                               ("丙", "丙物流有限公司", "0731-84561234"), ("丁", "丁商贸有限公司", "13900004444")):
        e = Enterprise(name=name, contact_phone=contact)
        db.add(e)
        db.flush()
        made[key] = e.id
    w = Walk(db, county)
    plan = [("A1", "甲", "fgj", 2, REPORTER), ("A2", "甲", "fgj", 9, REPORTER), ("A3", "甲", "scj", 10, REPORTER),
            ("B1", "乙", "fgj", 3, {**REPORTER, "phone": "13600002222"}),
            ("C1", "丙", "scj", 4, {**REPORTER, "phone": "0731-84569999"})]
    for key, who, dept, day, reporter in plan:
        w.create(key, at(11, day, 9), enterprise_id=made[who], reporter=reporter,
                 title=f"{who}企业王建国反映用电问题{key}")
        w.assign(key, dept, at(11, day), accept=nov(day + 1), reply=nov(day + 5), complete=nov(day + 10))
    w.create("D1", at(10, 20, 9), enterprise_id=made["丁"], reporter=REPORTER)
    w.assign("D1", "fgj", at(10, 20), accept=date(2026, 10, 21), reply=date(2026, 10, 26),
             complete=date(2026, 10, 30))
    db.commit()
    return made


def links_sent(db) -> dict[str, str]:
    """phone → the token of the rating link sent to it."""
    out = {}
    for m in db.execute(select(SmsMessage).where(SmsMessage.template == "rating_invite")).scalars():
        out[m.recipient_phone] = re.search(r"/rate/([^\s/]+)$", m.body)[1]
    return out


def opened(api, **extra) -> dict:
    return api.ok("POST", ROUNDS, "coordinator", status=201, json={**NOVEMBER, **extra})


def test_each_enterprise_that_dealt_with_departments_gets_one_link(api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    body = opened(api)
    assert body["title"] == "2026年11月企业评议部门服务" and body["code"].startswith("PY")
    assert (body["asked"], body["answered"], body["skipped"]) == (2, 0, 1)
    assert body["answer_by"] == "2026-12-18"  # ten working days
    sent = links_sent(db)
    assert set(sent) == {"13900001111", "13600002222"}  # the contact's mobile; else the reporter's
    [text] = [m.body for m in db.execute(select(SmsMessage).where(
        SmsMessage.recipient_phone == "13900001111")).scalars() if "企业评议" in m.body]
    assert "2026年11月" in text and "2个部门" in text and text.startswith("【营商办】企业评议PY")
    lines = {(x["enterprise_name"], x["department_name"]): x for x in body["enterprises"]}
    assert set(lines) == {("县城甲制造有限公司", "县发改局"), ("县城甲制造有限公司", "县市场监管局"),
                          ("乙农业发展有限公司", "县发改局")}
    assert lines[("县城甲制造有限公司", "县发改局")]["issues"] == 2
    assert lines[("县城甲制造有限公司", "县发改局")]["phone"] == "139****1111"
    results = {r["department_name"]: r for r in body["results"]}
    assert results["县发改局"]["asked"] == 2 and results["县发改局"]["rated"] == 0
    assert results["县发改局"]["average"] is None


def test_rounds_never_overlap_and_only_a_finished_period_is_rated(api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    early = api.call("POST", ROUNDS, "coordinator", json={"from": "2026-11-01", "to": "2026-12-05"})
    assert early.status_code == 422 and "截止日期须早于今天" in early.get_json()["error"]["fields"]["to"]
    backwards = api.call("POST", ROUNDS, "coordinator", json={"from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.status_code == 422 and "to" in backwards.get_json()["error"]["fields"]
    bad_day = api.call("POST", ROUNDS, "coordinator", json={"from": "2026-11-31", "to": "2026-11-30"})
    assert bad_day.status_code == 422 and "from" in bad_day.get_json()["error"]["fields"]
    late = api.call("POST", ROUNDS, "coordinator", json={**NOVEMBER, "answer_by": "2026-12-04"})
    assert late.status_code == 422 and "answer_by" in late.get_json()["error"]["fields"]
    across = api.call("POST", ROUNDS, "coordinator", json={"from": "2026-09-01", "to": "2026-11-30"})
    assert across.status_code == 422 and "不能跨季度" in across.get_json()["error"]["fields"]["to"]
    opened(api)
    again = api.call("POST", ROUNDS, "coordinator", json={"from": "2026-10-01", "to": "2026-11-15"})
    assert again.status_code == 409
    assert "区间重叠" in again.get_json()["error"]["fields"]["from"]
    assert len(links_sent(db)) == 2  # nobody asked twice
    nothing = api.call("POST", ROUNDS, "coordinator", json={"from": "2026-09-01", "to": "2026-09-30"})
    assert nothing.status_code == 422 and "无需评议" in nothing.get_json()["error"]["fields"]["from"]
    october = opened(api, **{"from": "2026-10-01", "to": "2026-10-31"})
    assert october["asked"] == 1


def test_who_may_open_and_read_rounds(api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    for who in ("supervisor", "leader", "fgj", "operator"):
        assert api.call("POST", ROUNDS, who, json=NOVEMBER).status_code == 403
    body = opened(api)
    assert api.call("GET", ROUNDS, "fgj").status_code == 403
    leader = api.ok("GET", f"{ROUNDS}/{body['id']}", "leader")
    assert leader["results"] and leader["enterprises"] == []  # which enterprise said what: the office only
    assert api.call("GET", f"{ROUNDS}/{body['id'] + 99}", "coordinator").status_code == 404
    assert [r["id"] for r in api.ok("GET", ROUNDS, "supervisor")["items"]] == [body["id"]]


def form_of(html: str) -> dict:
    return {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]}


def test_the_enterprise_rates_each_department_once_on_its_page(app, api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    body = opened(api)
    token = links_sent(db)["13900001111"]
    client = app.test_client()
    page = client.get(f"/rate/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "县发改局" in html and "县市场监管局" in html and "问题A1" in html and "问题B1" not in html
    assert "王建国" not in html and "13812345678" not in html and "县城甲制造" not in html  # masked titles
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    base = form_of(html)

    low = client.post(f"/rate/{token}", data={**base, f"score_{fgj}": "5", f"score_{scj}": "1"})
    assert low.status_code == 422
    assert "请写明不满意的原因" in low.get_data(as_text=True)
    missing = client.post(f"/rate/{token}", data={**base, f"score_{fgj}": "5"})
    assert missing.status_code == 422 and "请为县市场监管局打分" in missing.get_data(as_text=True)
    assert db.execute(select(DepartmentRating).where(DepartmentRating.score.is_not(None))).first() is None

    done = client.post(f"/rate/{token}", data={**base, f"score_{fgj}": "5", f"comment_{fgj}": "=1+1 办事快",
                                                f"score_{scj}": "2", f"comment_{scj}": "跑了三趟才办成"})
    assert done.status_code == 303
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "感谢您的评议" in thanks and "跑了三趟才办成" in thanks

    again = client.post(f"/rate/{token}", data={**base, f"score_{fgj}": "1", f"comment_{fgj}": "改主意了"})
    assert again.status_code == 409 and "每个部门只能评价一次" in again.get_data(as_text=True)
    db.rollback()  # a fresh read: the page committed on its own connection
    scores = {r.department_id: r.score for r in db.execute(select(DepartmentRating)).scalars() if r.score}
    assert scores == {fgj: 5, scj: 2}

    detail = api.ok("GET", f"{ROUNDS}/{body['id']}", "coordinator")
    assert detail["answered"] == 1
    results = {r["department_name"]: r for r in detail["results"]}
    assert results["县发改局"]["average"] == 5.0 and results["县发改局"]["counts"]["5"] == 1
    assert results["县市场监管局"]["rated"] == 1

    book = load_workbook(io.BytesIO(api.call("GET", f"{ROUNDS}/{body['id']}/export.xlsx", "coordinator").data))
    comments = [row[5] for row in book["企业评价"].iter_rows(min_row=3, values_only=True)]
    assert "=1+1 办事快" in comments
    cell = next(c for row in book["企业评价"].iter_rows(min_row=3) for c in row if c.value == "=1+1 办事快")
    assert cell.data_type == "s"  # text, never a formula
    leader_book = load_workbook(io.BytesIO(api.call("GET", f"{ROUNDS}/{body['id']}/export.xlsx", "leader").data))
    assert leader_book.sheetnames == ["部门结果"]


def test_the_office_reminds_those_who_have_not_rated_once_a_day(app, api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    body = opened(api, answer_by="2026-12-10")
    reminders = f"{ROUNDS}/{body['id']}/reminders"
    rate(db, links_sent(db)["13900001111"], {county.dept_id("fgj"): 4, county.dept_id("scj"): 4})
    assert api.call("POST", reminders, "leader").status_code == 403
    assert api.ok("POST", reminders, "coordinator") == {"queued": 1}   # 乙 only: 甲 has rated
    assert api.ok("POST", reminders, "coordinator") == {"queued": 0}   # not twice a day
    db.rollback()  # a fresh read: the API committed on its own connection
    texts = [m.body for m in db.execute(select(SmsMessage).where(SmsMessage.recipient_phone == "13600002222",
                                                                 SmsMessage.template == "rating_invite")
                                        .order_by(SmsMessage.id)).scalars()]
    assert len(texts) == 2 and texts[0] == texts[1]   # the same link again
    clock(datetime(2026, 12, 7, 10, tzinfo=LOCAL_TZ))
    assert api.ok("POST", reminders, "coordinator") == {"queued": 1}
    clock(datetime(2026, 12, 11, 10, tzinfo=LOCAL_TZ))
    closed = api.call("POST", reminders, "coordinator")
    assert closed.status_code == 409 and "已于2026-12-10截止" in closed.get_json()["error"]["message"]
    assert api.call("POST", f"{ROUNDS}/{body['id'] + 9}/reminders", "coordinator").status_code == 404


def test_a_forged_or_late_link_changes_nothing(app, api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    opened(api, answer_by="2026-12-07")
    token = links_sent(db)["13600002222"]
    client = app.test_client()
    assert client.get(f"/rate/{token[:-2]}xx").status_code == 404
    assert client.get("/rate/" + "a" * 300).status_code == 404
    html = client.get(f"/rate/{token}").get_data(as_text=True)
    clock(datetime(2026, 12, 8, 9, tzinfo=LOCAL_TZ))
    late = client.post(f"/rate/{token}", data={**form_of(html), f"score_{county.dept_id('fgj')}": "4"})
    assert late.status_code == 409 and "已于2026-12-07截止" in late.get_data(as_text=True)
    assert "本次评议已于2026-12-07截止" in client.get(f"/rate/{token}").get_data(as_text=True)


def rate(db, token: str, scores: dict[int, int]) -> None:
    ratings.answer(db, "test-secret", token, {d: {"score": s, "comment": "原因" if s <= 2 else None}
                                                for d, s in scores.items()}, IN_DECEMBER)


def test_the_contest_weighs_ratings_once_a_department_has_enough(db, county, dealings):
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    office = county.users["coordinator"]
    from service.deadlines.calendar import WEEKDAYS
    ratings.open_round(db, office, date(2026, 11, 1), date(2026, 11, 30), None, None, IN_DECEMBER, WEEKDAYS,
                       "https://ys.example.gov.cn", "test-secret")
    tokens = links_sent(db)
    rate(db, tokens["13900001111"], {fgj: 2, scj: 5})
    rate(db, tokens["13600002222"], {fgj: 1})

    rules = deepcopy(DEFAULT_RULES)
    quarter_end = datetime(2027, 1, 5, 10, tzinfo=LOCAL_TZ)
    counted = {r["department_id"]: r for r in compute_quarter(db, 2026, 4, rules, quarter_end).table}
    assert counted[fgj]["rating_count"] == 2 and counted[fgj]["rating_average"] == 1.5
    assert counted[fgj]["rating_score"] is None  # fewer than the default minimum of 3
    db.rollback()

    rules["rating"]["min_ratings"] = 2
    weighed = {r["department_id"]: r for r in compute_quarter(db, 2026, 4, rules, quarter_end).table}
    assert weighed[fgj]["rating_score"] == 0.3
    # fgj kept no deadline (its three rates are 0, no visit yet): the rating is all that scores,
    # 100 × 0.2 × 0.3 ÷ (0.1 + 0.1 + 0.4 + 0.2)
    assert counted[fgj]["base"] == 0 and weighed[fgj]["base"] == 7.5
    assert weighed[scj]["rating_score"] is None  # one rating only
    db.rollback()

    rules["weights"]["rating_score"] = 0
    unweighed = {r["department_id"]: r for r in compute_quarter(db, 2026, 4, rules, quarter_end).table}
    assert unweighed[fgj]["base"] == counted[fgj]["base"]
    db.rollback()
    assert rating_rate(3, 4.0, DEFAULT_RULES) == 0.8 and rating_rate(2, 4.0, DEFAULT_RULES) is None


def test_the_report_card_shows_the_departments_rating(app, api, db, county, dealings, clock):
    clock(IN_DECEMBER)
    opened(api)
    fgj = county.dept_id("fgj")
    rate(db, links_sent(db)["13900001111"], {fgj: 4, county.dept_id("scj"): 3})
    html = Console(app, "fgj").text(f"/console/reports/departments/{fgj}?from=2026-11-01&to=2026-11-30")
    assert "企业评议" in html and "1家企业评价（邀请2家）" in html
    assert "县城甲制造" not in html and "乙农业" not in html  # never which enterprise
    assert Period(date(2026, 10, 1), date(2026, 12, 31)) and ratings.period_results(
        db, Period(date(2026, 10, 1), date(2026, 12, 31)))[fgj].average == 4.0
    assert ratings.period_results(db, Period(date(2026, 11, 1), date(2026, 11, 15))) == {}
