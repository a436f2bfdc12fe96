"""统计分析, 成绩单 and 督查通报 pages: who opens which, the figures in the tables (which is also
what the charts draw), the Excel downloads, and a clear 4xx for a period that does not exist."""
import io
import json
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from models import User
from service.deadlines.calendar import local_date
from service.workflow.transition import WorkflowOptions, transition

from ..console import Console
from ..helpers import REPORTER, issue_in


class Tables(HTMLParser):
    """The rows of every <table data-table=...> of a page, as lists of cell texts."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._name, self._row, self._cell = None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._name = attrs["data-table"]
            self.tables[self._name] = []
        elif self._name and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._name = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._name].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, name: str, first: str) -> list[list[str]]:
        return [r for r in self.tables[name] if r and r[0] == first]

    def row(self, name: str, first: str) -> list[str]:
        found = self.rows(name, first)
        assert len(found) == 1, (name, first, self.tables[name])
        return found[0]


@pytest.fixture
def county_issues(api, county, engine):
    """Four hotline issues this month: one in progress and one closed at 县发改局, one still
    collected, and one 县自然资源局 was given 40 days ago and never accepted (red)."""
    in_progress = issue_in(api, "in_progress", title="园区道路破损影响货车通行")
    closed = issue_in(api, "closed", title="企业用电报装时间过长")
    waiting = api.create_issue(title="招工信息发布渠道少")
    late = api.create_issue(title="厂房产权证迟迟未办", category="用地保障", township="高新区")
    with Session(engine, expire_on_commit=False) as s:
        coordinator = s.get(User, county.user_id("coordinator"))
        body = api.assign_body(lead_department_id=county.dept_id("zrj"), co_department_ids=[],
                               responsible_person="赵刚")
        transition(s, coordinator, late["id"], "assign", body,
                   datetime.now(timezone.utc) - timedelta(days=40), WorkflowOptions())
    late = api.ok("GET", f"/api/v1/issues/{late['id']}", "coordinator")
    return {"in_progress": in_progress, "closed": closed, "waiting": waiting, "late": late}


def sixty_days() -> str:
    """A custom period covering the issues above whatever the date: the last 60 days."""
    today = local_date(datetime.now(timezone.utc))
    return f"preset=custom&from={(today - timedelta(days=60)).isoformat()}&to={today.isoformat()}"


def no_inline_code(html: str) -> None:
    """The pages keep to a CSP without 'unsafe-inline': scripts from files, data as JSON."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html and " onclick=" not in html


def chart_data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_the_offices_and_leaders_see_the_county_figures(app, county, county_issues):
    for who in ("coordinator", "supervisor", "leader", "admin"):
        html = Console(app, who).text(f"/console/dashboard?{sixty_days()}")
        no_inline_code(html)
        t = Tables(html)
        hotline = t.row("channels", "12345/营商环境热线")
        assert hotline[1:3] == ["4", "1"], who          # collected, resolved
        assert t.row("flags", "红色（已超期）")[1] == "1"
        fgj = t.row("departments", "1")                 # ranked first: 县发改局
        assert fgj[1] == "县发改局" and fgj[2] == "2"    # received
        zrj = next(r for r in t.tables["departments"] if len(r) > 1 and r[1] == "县自然资源局")
        assert zrj[2] == "1" and zrj[10] == "1"         # received, overdue now
        assert '<p class="mb-0 flex-grow-1 fs-6" id="summary-sentence">本期' in html
        assert "收集问题4件，已办结1件，办结率25%" in html
        # The charts draw what the tables show.
        data = chart_data(html)
        assert data["flags"]["series"][0]["data"][0] == 1
        channels = dict(zip(data["channels"]["labels"], data["channels"]["series"][0]["data"], strict=True))
        assert channels["12345/营商环境热线"] == 4
        assert dict(zip(data["categories"]["labels"], data["categories"]["series"][0]["data"],
                        strict=True))["用地保障"] == 1 == int(t.row("categories", "用地保障")[1])


def test_this_month_is_the_default_and_the_presets_pick_their_periods(app, county):
    office = Console(app, "coordinator")
    today = local_date(datetime.now(timezone.utc))
    html = office.text("/console/dashboard")
    assert f'data-period="{today.replace(day=1).isoformat()}/' in html
    assert f"{today.year}年{today.month}月" in html
    assert f'data-period="{today.year}-01-01/{today.isoformat()}"' in office.text("/console/dashboard?preset=this_year")
    last = today.replace(day=1) - timedelta(days=1)
    assert f'data-period="{last.replace(day=1).isoformat()}/{last.isoformat()}"' in office.text(
        "/console/dashboard?preset=last_month")
    assert "季度" in office.text("/console/dashboard?preset=this_quarter")


@pytest.mark.parametrize("query, field", [
    ("preset=custom&from=2026-02-30", "起始日期"),
    ("preset=custom&from=2026-03-01&to=yesterday", "截止日期"),
    ("preset=custom&from=2026-05-01&to=2026-04-01", "截止日期"),
    ("preset=decade", "时段"),
])
def test_a_period_that_does_not_exist_is_named(app, county, query, field):
    resp = Console(app, "coordinator").get(f"/console/dashboard?{query}")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert f"{field}：" in html and 'data-chart="' not in html
    card = Console(app, "coordinator").get(f"/console/reports/departments/{county.dept_id('fgj')}?{query}")
    assert card.status_code == 422 and f"{field}：" in card.get_data(as_text=True)


def test_who_may_open_the_dashboard(app, county):
    assert Console(app, "operator").get("/console/dashboard").status_code == 403
    resp = Console(app, "fgj").get("/console/dashboard?preset=this_year")
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/console/reports/departments/{county.dept_id('fgj')}?preset=this_year"
    assert "统计分析" in Console(app, "fgj").text("/console/inbox")
    assert "统计分析" not in Console(app, "operator").text("/console/intake")


def test_a_department_sees_its_own_card_only(app, county, county_issues):
    fgj = Console(app, "fgj")
    html = fgj.text(f"/console/reports/departments/{county.dept_id('fgj')}?{sixty_days()}")
    no_inline_code(html)
    t = Tables(html)
    assert t.row("figures", "排名")[1] == "1/2"
    assert t.row("figures", "交办件")[1] == "2"
    assert t.row("figures", "按期办结率")[1] == "100.0%"
    assert "第1名" in html and "共2个单位参与排名" in html
    assert sum(int(r[1]) for r in t.tables["trend"][1:]) == 2
    for other in (f"/console/reports/departments/{county.dept_id('zrj')}",
                  f"/console/reports/departments/{county.dept_id('zrj')}.xlsx",
                  f"/console/reports/departments/{county.dept_id('zrj')}?preset=custom&from=bad",
                  "/console/reports/departments/999999"):
        assert fgj.get(other).status_code == 404, other
    assert fgj.get("/console/reports/bulletin").status_code == 403
    assert Console(app, "operator").get(f"/console/reports/departments/{county.dept_id('fgj')}").status_code == 403


def test_the_office_reads_another_departments_overdue_issues(app, county, county_issues):
    late = county_issues["late"]
    html = Console(app, "supervisor").text(f"/console/reports/departments/{county.dept_id('zrj')}?{sixty_days()}")
    overdue = Tables(html).row("overdue", late["code"])
    assert overdue[1] == late["title"] and overdue[4] == "赵刚" and "个工作日" in overdue[6]
    assert REPORTER["name"] not in html and REPORTER["phone"] not in html


def test_the_card_downloads_as_excel(app, county, county_issues):
    resp = Console(app, "coordinator").get(
        f"/console/reports/departments/{county.dept_id('zrj')}.xlsx?{sixty_days()}")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["成绩单", "当前超期", "不满意及重办", "问责", "月度趋势"]
    figures = {r[0]: r[1] for r in wb["成绩单"].iter_rows(min_row=4, values_only=True)}
    assert figures["交办件"] == 1 and figures["当前超期"] == 1
    overdue = list(wb["当前超期"].iter_rows(min_row=3, values_only=True))
    late = county_issues["late"]
    assert [(r[0], r[1], r[4]) for r in overdue] == [(late["code"], late["title"], "赵刚")]
    assert REPORTER["name"] not in repr([list(ws.values) for ws in wb])


def test_the_bulletin_lists_the_overdue_issue_without_the_reporter(app, county, county_issues):
    late = county_issues["late"]
    office = Console(app, "supervisor")
    html = office.text("/console/reports/bulletin")
    no_inline_code(html)
    today = local_date(datetime.now(timezone.utc))
    number = (today.month - 1) * 2 + (1 if today.day <= 15 else 2)
    assert f"营商环境问题督查通报（{today.year}年第{number}期）" in html
    t = Tables(html)
    assert t.row("bulletin-counts", "1")[1:3] == ["县自然资源局", "1"]
    assert late["code"] in html and "赵刚" in html and "期末仍超期" in html
    for private in (REPORTER["name"], REPORTER["phone"], REPORTER["org"]):
        assert private not in html

    resp = office.get(f"/console/reports/bulletin.xlsx?day={today.isoformat()}")
    assert resp.status_code == 200
    assert f"filename=bulletin-{today.year}-{number:02d}.xlsx;" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    rows = list(wb["督查通报"].iter_rows(min_row=4, values_only=True))
    assert [(r[1], r[2], r[5]) for r in rows] == [("县自然资源局", late["code"], "赵刚")]
    assert list(wb["分单位统计"].iter_rows(min_row=4, values_only=True)) == [(1, "县自然资源局", 1, 1)]
    assert REPORTER["name"] not in repr([list(ws.values) for ws in wb])
    for who in ("coordinator", "leader", "admin"):
        assert Console(app, who).get("/console/reports/bulletin").status_code == 200


@pytest.mark.parametrize("day", ["2026-13-01", "tomorrow", "1999-01-01"])
def test_a_bulletin_day_that_does_not_exist_is_named(app, county, day):
    resp = Console(app, "supervisor").get(f"/console/reports/bulletin?day={day}")
    assert resp.status_code == 422 and "通报期次：" in resp.get_data(as_text=True)


def test_a_bulletin_of_a_half_month_to_come_is_refused(app, county):
    later = local_date(datetime.now(timezone.utc)) + timedelta(days=40)
    office = Console(app, "supervisor")
    resp = office.get(f"/console/reports/bulletin?day={later.isoformat()}")
    assert resp.status_code == 422 and "还没有开始" in resp.get_data(as_text=True)
    assert office.get(f"/console/reports/bulletin.xlsx?day={later.isoformat()}").status_code == 422
