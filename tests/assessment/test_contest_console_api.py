"""擂台赛 through the API and the console: the office computes and stores a finished quarter,
the administrator alone sets the rules (bad values refused naming the field), 一事一表扬 adds
points, the 通报 names the top and bottom three, the Excel holds the same figures, a stored
quarter does not change with the rules, and the 流动红旗 shows on the winner's pages only."""
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from models import Department, User
from service.deadlines.calendar import LOCAL_TZ

from ..console import Console
from .test_assessment import Walk, at, nov
from .test_console_dashboard import Tables, no_inline_code

CONTEST = "/api/v1/contest"
Q4 = "year=2026&quarter=4"
QUARTER_DONE = datetime(2027, 1, 5, 10, tzinfo=LOCAL_TZ)   # the fourth quarter of 2026 is over
IN_DECEMBER = datetime(2026, 12, 5, 10, tzinfo=LOCAL_TZ)   # November is the last complete month
EXTRA = (("jyj", "县教育局", 3), ("swj", "县商务局", 2), ("zjj", "县住建局", 1))


@pytest.fixture
def november(db, county) -> Walk:
    """fgj accepts on time, zrj a day late; scj never accepts; three more departments accept some of theirs on
    time and leave one unaccepted, so six departments are ranked."""
    w = Walk(db, county)
    w.create("A", at(11, 2, 9))
    w.assign("A", "fgj", at(11, 2), accept=nov(3), reply=nov(10), complete=nov(10))
    w.step("A", "accept", "fgj", at(11, 3))
    w.create("Z", at(11, 2, 9))
    w.assign("Z", "zrj", at(11, 2), accept=nov(3), reply=nov(10), complete=nov(10))
    w.step("Z", "accept", "zrj", at(11, 4))
    w.create("H", at(11, 20, 9))
    w.assign("H", "scj", at(11, 23), accept=nov(24), reply=nov(27), complete=nov(27))
    for code, name, on_time in EXTRA:
        dept = Department(code=code, name=name)
        db.add(dept)
        db.flush()
        county.depts[code] = dept
        county.users[code] = User(username=code, display_name=code, role="department", phone="13900000100",
                                  department_id=dept.id, password_hash="-")
        db.add(county.users[code])
        db.flush()
        for n in range(on_time + 1):
            key = f"{code}{n}"
            w.create(key, at(11, 4, 9))
            w.assign(key, code, at(11, 4), accept=nov(5), reply=nov(12), complete=nov(12))
            if n < on_time:
                w.step(key, "accept", code, at(11, 5))
    db.commit()
    return w


def computed(api, who: str = "coordinator") -> dict:
    return api.ok("POST", f"{CONTEST}/quarter", who, status=201, json={"year": 2026, "quarter": 4})


def by_name(body: dict) -> dict[str, dict]:
    return {row["department_name"]: row for row in body["items"]}


# --- computing and storing ---------------------------------------------------------------------

def test_the_office_computes_a_finished_quarter_and_it_is_stored(api, county, november, clock):
    clock(QUARTER_DONE)
    assert api.call("GET", f"{CONTEST}/quarter?{Q4}", "leader").status_code == 404
    assert api.call("POST", f"{CONTEST}/quarter", "supervisor", json={"year": 2026, "quarter": 4}).status_code == 403
    body = computed(api)
    assert body["title"] == "2026年第4季度营商环境问题办理擂台赛通报"
    rows = by_name(body)
    assert rows["县发改局"]["rank"] == 1 and rows["县发改局"]["top3"]
    assert rows["县市场监管局"]["points"] < rows["县发改局"]["points"]
    assert sum(r["top3"] for r in body["items"]) == 3 and sum(r["bottom3"] for r in body["items"]) == 3
    for who in ("leader", "supervisor", "admin"):
        assert api.ok("GET", f"{CONTEST}/quarter?{Q4}", who)["items"] == body["items"]
    assert api.call("GET", f"{CONTEST}/quarter?{Q4}", "fgj").status_code == 403
    again = api.call("POST", f"{CONTEST}/quarter", "coordinator", json={"year": 2026, "quarter": 4})
    assert again.status_code == 409 and "recompute" in again.get_json()["error"]["fields"]


def test_a_quarter_not_yet_over_is_refused_naming_the_quarter(api, county, november, clock):
    clock(IN_DECEMBER)
    resp = api.call("POST", f"{CONTEST}/quarter", "coordinator", json={"year": 2026, "quarter": 4})
    assert resp.status_code == 422
    assert "尚未结束" in resp.get_json()["error"]["fields"]["quarter"]
    bad = api.call("GET", f"{CONTEST}/quarter?year=2026&quarter=5", "coordinator")
    assert bad.status_code == 422 and "quarter" in bad.get_json()["error"]["fields"]


def test_the_office_computes_in_the_console_and_the_table_marks_top_and_bottom(app, county, november, clock):
    clock(QUARTER_DONE)
    office = Console(app, "coordinator")
    html = office.text(f"/console/contest?{Q4}")
    no_inline_code(html)
    assert "本季度尚未计算" in html and "计算并保存本季度积分" in html
    assert 'href="/console/contest"' in html  # the menu entry
    resp = office.post("/console/contest/compute", {"year": "2026", "quarter": "4"})
    assert resp.status_code == 302
    html = office.text(f"/console/contest?{Q4}")
    t = Tables(html)
    first = t.row("contest", "1")
    assert "县发改局" in first[1] and "前三名" in first[1]
    assert html.count('data-podium="top"') == 3 and html.count('data-podium="bottom"') == 3
    assert "每件当前超期扣分：2" in html  # the rules in force, shown under the table
    # a second press without the confirmation is refused, and says why
    again = office.post("/console/contest/compute", {"year": "2026", "quarter": "4"})
    assert again.status_code == 409 and "须明确确认" in again.get_data(as_text=True)
    # departments do not open it
    assert Console(app, "fgj").get(f"/console/contest?{Q4}").status_code == 403
    assert Console(app, "leader").get(f"/console/contest?{Q4}").status_code == 200


def test_a_bad_quarter_in_the_console_is_a_4xx_naming_it(app, county, clock):
    clock(QUARTER_DONE)
    resp = Console(app, "coordinator").get("/console/contest?year=2026&quarter=9")
    assert resp.status_code == 422 and "季度须为1至4" in resp.get_data(as_text=True)


# --- the rules ---------------------------------------------------------------------------------

def rules_body(**changes) -> dict:
    body = {"weights": {"accept_rate": 0.1, "reply_rate": 0.1, "complete_rate": 0.4, "satisfaction_rate": 0.4},
            "penalties": {"reopens": 2, "returned": 1, "overdue_now": 2}, "bonuses": {"praise": 2}}
    for path, value in changes.items():
        group, key = path.split("__")
        body.setdefault(group, {})[key] = value
    return body


def test_only_the_administrator_edits_the_rules(app, api, county):
    for who in ("coordinator", "supervisor", "fgj"):
        assert api.call("PUT", f"{CONTEST}/rules", who, json=rules_body()).status_code == 403, who
    assert api.ok("GET", f"{CONTEST}/rules", "coordinator")["bonuses"] == {"praise": 2.0}
    assert Console(app, "coordinator").get("/console/contest/rules").status_code == 403
    assert Console(app, "coordinator").post("/console/contest/rules", {"praise": "9"}).status_code == 403
    saved = api.ok("PUT", f"{CONTEST}/rules", "admin", json=rules_body(bonuses__praise=3))
    assert saved["bonuses"]["praise"] == 3.0
    assert api.ok("GET", f"{CONTEST}/rules", "leader")["bonuses"]["praise"] == 3.0


@pytest.mark.parametrize("change, field, words", [
    ({"weights__accept_rate": -1}, "weights.accept_rate", "签收及时率权重"),
    ({"penalties__overdue_now": 1e9}, "penalties.overdue_now", "每件当前超期扣分"),
    ({"penalties__reopens": "很多"}, "penalties.reopens", "每次重办扣分"),
    ({"bonuses__praise": None}, "bonuses.praise", "每次一事一表扬加分"),
    ({"weights__accept_rate": 0, "weights__reply_rate": 0, "weights__complete_rate": 0,
      "weights__satisfaction_rate": 0, "weights__rating_score": 0}, "weights", "权重不能全为0"),
    ({"rating__min_ratings": 2.5}, "rating.min_ratings", "须为1至100之间的整数"),
    ({"rating__min_ratings": 0}, "rating.min_ratings", "须为1至100之间的整数"),
])
def test_bad_rule_values_are_a_4xx_naming_the_field(api, county, change, field, words):
    resp = api.call("PUT", f"{CONTEST}/rules", "admin", json=rules_body(**change))
    assert resp.status_code == 422, resp.get_json()
    assert words in resp.get_json()["error"]["fields"][field]
    assert api.ok("GET", f"{CONTEST}/rules", "admin")["bonuses"]["praise"] == 2.0  # nothing changed


def test_the_rules_form_keeps_what_was_typed_and_names_the_field(app, county):
    admin = Console(app, "admin")
    page = admin.text("/console/contest/rules")
    assert "按期办结率权重" in page and 'value="0.4"' in page
    form = {name: "1" for name in ("accept_rate", "reply_rate", "complete_rate", "satisfaction_rate",
                                   "reopens", "returned", "overdue_now", "praise")}
    resp = admin.post("/console/contest/rules", {**form, "returned": "abc"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "每次退单扣分须为0至50之间的数" in html and 'value="abc"' in html
    assert admin.post("/console/contest/rules", {**form, "praise": "4"}).status_code == 302
    assert 'value="4"' in admin.text("/console/contest/rules")


# --- 一事一表扬 --------------------------------------------------------------------------------

def test_a_praise_adds_its_points_and_is_fixed_once_the_quarter_is_stored(api, county, november, clock):
    clock(QUARTER_DONE)
    api.ok("PUT", f"{CONTEST}/rules", "admin", json=rules_body(bonuses__praise=5))
    scj = county.dept_id("scj")
    assert api.call("POST", f"{CONTEST}/praises", "supervisor",
                    json={"department_id": scj, "day": "2026-11-20", "note": "主动上门服务"}).status_code == 403
    praise = api.ok("POST", f"{CONTEST}/praises", "coordinator", status=201,
                    json={"department_id": scj, "issue_id": november.ids["H"], "day": "2026-11-20",
                          "note": "主动上门服务，企业送来锦旗"})
    assert praise["points"] == 5.0 and praise["issue_code"]
    mistake = api.ok("POST", f"{CONTEST}/praises", "coordinator", status=201,
                     json={"department_id": scj, "day": "2026-11-21", "note": "误录"})
    assert api.call("DELETE", f"{CONTEST}/praises/{mistake['id']}", "coordinator").status_code == 204
    listed = api.ok("GET", f"{CONTEST}/praises?{Q4}", "leader")["items"]
    assert [p["id"] for p in listed] == [praise["id"]]

    row = by_name(computed(api))["县市场监管局"]
    assert row["praises"] == 1 and row["bonus"] == 5.0
    assert row["points"] == round(max(0.0, row["base"] - sum(row["deductions"].values())) + 5.0, 2)

    late = api.call("POST", f"{CONTEST}/praises", "coordinator",
                    json={"department_id": scj, "day": "2026-12-01", "note": "再次表扬"})
    assert late.status_code == 409 and "day" in late.get_json()["error"]["fields"]
    assert api.call("DELETE", f"{CONTEST}/praises/{praise['id']}", "coordinator").status_code == 409


@pytest.mark.parametrize("body, field", [
    ({"day": "2026-11-20", "note": "好"}, "department_id"),
    ({"department_id": 999999, "day": "2026-11-20", "note": "好"}, "department_id"),
    ({"department_id": "县发改局", "day": "2026-11-20", "note": "好"}, "department_id"),
    ({"department_id": "DEPT", "day": "2026-13-01", "note": "好"}, "day"),
    ({"department_id": "DEPT", "day": "2027-02-01", "note": "好"}, "day"),
    ({"department_id": "DEPT", "day": "2026-11-20", "note": "   "}, "note"),
    ({"department_id": "DEPT", "day": "2026-11-20", "note": "长" * 201}, "note"),
    ({"department_id": "DEPT", "issue_id": 999999, "day": "2026-11-20", "note": "好"}, "issue_id"),
])
def test_a_bad_praise_is_a_4xx_naming_the_field(api, county, clock, body, field):
    clock(QUARTER_DONE)
    if body.get("department_id") == "DEPT":
        body = {**body, "department_id": county.dept_id("fgj")}
    resp = api.call("POST", f"{CONTEST}/praises", "coordinator", json=body)
    assert resp.status_code in (400, 422), resp.get_json()
    assert field in resp.get_json()["error"]["fields"]


def test_the_office_enters_a_praise_in_the_console(app, county, november, clock):
    clock(QUARTER_DONE)
    office = Console(app, "coordinator")
    bad = office.post("/console/contest/praises", {"year": "2026", "quarter": "4", "department_id": "",
                                                   "day": "2026-11-20", "note": "及时办结"})
    assert bad.status_code == 422 and "请选择部门" in bad.get_data(as_text=True)
    ok = office.post("/console/contest/praises", {"year": "2026", "quarter": "4",
                                                  "department_id": str(county.dept_id("zrj")),
                                                  "day": "2026-11-20", "note": "及时办结"})
    assert ok.status_code == 302
    html = office.text(f"/console/contest?{Q4}")
    assert "及时办结" in Tables(html).tables["praises"][1][3]


# --- the 通报, the Excel, and a stored quarter under new rules --------------------------------

def test_the_notice_and_the_workbook_show_the_stored_figures(app, api, county, november, clock):
    clock(QUARTER_DONE)
    body = computed(api)
    office = Console(app, "supervisor")
    html = office.text(f"/console/contest/notice?{Q4}")
    no_inline_code(html)
    assert "2026年第4季度营商环境问题办理擂台赛通报" in html
    top = [r["department_name"] for r in body["items"] if r["top3"]]
    bottom = [r["department_name"] for r in reversed(body["items"]) if r["bottom3"]]
    t = Tables(html)
    assert [row[1] for row in t.tables["contest"][1:4]] == top
    podium_top = html.split('data-podium="top"')[1].split("</ul>")[0]
    podium_bottom = html.split('data-podium="bottom"')[1].split("</ul>")[0]
    assert all(name in podium_top for name in top) and all(name in podium_bottom for name in bottom)
    assert not any(name in podium_bottom for name in top)

    resp = office.get(f"/console/contest.xlsx?{Q4}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data))["擂台赛"]
    cells = list(ws.iter_rows(min_row=4, values_only=True))
    figures = {row[1].split("（")[0]: row[2] for row in cells if row[1]}
    assert figures == {r["department_name"]: (r["points"] if r["points"] is not None else "本期无可评")
                       for r in body["items"]}
    assert all(isinstance(c.value, (int, float, type(None))) or c.data_type == "s"
               for row in ws.iter_rows() for c in row)
    assert office.get("/console/contest/notice?year=2026&quarter=3").status_code == 404


def test_a_stored_quarter_keeps_its_table_and_rules_when_the_rules_change(app, api, county, november, clock):
    clock(QUARTER_DONE)
    before = computed(api)
    api.ok("PUT", f"{CONTEST}/rules", "admin", json=rules_body(penalties__overdue_now=30, weights__accept_rate=0))
    after = api.ok("GET", f"{CONTEST}/quarter?{Q4}", "coordinator")
    assert after["items"] == before["items"] and after["rules"] == before["rules"]
    html = Console(app, "coordinator").text(f"/console/contest?{Q4}")
    assert "每件当前超期扣分：2" in html and "每件当前超期扣分：30" not in html
    recomputed = api.ok("POST", f"{CONTEST}/quarter", "coordinator", status=201,
                        json={"year": 2026, "quarter": 4, "recompute": True})
    assert recomputed["rules"]["penalties"]["overdue_now"] == 30.0
    assert by_name(recomputed)["县市场监管局"]["points"] <= by_name(before)["县市场监管局"]["points"]


# --- 流动红旗 ----------------------------------------------------------------------------------

def test_the_red_flag_shows_on_the_winners_pages_and_not_on_another(app, api, county, november, clock):
    clock(IN_DECEMBER)
    flag = api.ok("GET", f"{CONTEST}/red-flag", "fgj")
    assert flag["month"] == "2026年11月" and flag["names"] == ["县发改局"]
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    winner = Console(app, "fgj")
    assert f'data-red-flag="{fgj}"' in winner.text("/console/inbox")
    assert "2026年11月流动红旗" in winner.text(f"/console/reports/departments/{fgj}")
    other = Console(app, "scj")
    assert "data-red-flag" not in other.text("/console/inbox")
    assert "data-red-flag" not in other.text(f"/console/reports/departments/{scj}")
    ranking = Console(app, "coordinator").text("/console/dashboard?preset=last_month")
    assert ranking.count("data-red-flag=") == 1 and f'data-red-flag="{fgj}"' in ranking
