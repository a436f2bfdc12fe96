"""One rule for a reporting period (service.assessment.periods): the statistics API, the
console's dashboard, the ledger's API, its console page and its command line refuse the same
periods with the same words, and 本月/本季度/本年 mean the same days on the dashboard and in
the ledger: from the first day up to today."""
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from service.assessment.periods import MAX_DAYS, THIS_MONTH, THIS_QUARTER, THIS_YEAR, preset_period
from service.deadlines.calendar import local_date
from service.ledger import filename

from ..console import Console

TOO_LONG = ("2010-01-01", (date(2010, 1, 1) + timedelta(days=MAX_DAYS)).isoformat())


@pytest.mark.parametrize(("start", "end", "words"), [
    ("2026-05-01", "2026-04-01", "截止日期不能早于起始日期 2026-05-01"),
    (*TOO_LONG, "统计区间不能超过10年"),
])
def test_every_door_refuses_a_bad_period_alike(app, api, county, start, end, words):
    for path in ("/api/v1/stats/summary", "/api/v1/stats/departments", "/api/v1/exports/ledger.xlsx"):
        resp = api.get(path, "coordinator", query_string={"from": start, "to": end})
        assert resp.status_code == 422 and resp.get_json()["error"]["fields"] == {"to": words}, path
    office = Console(app, "coordinator")
    dashboard = office.get(f"/console/dashboard?preset=custom&from={start}&to={end}")
    ledger = office.get(f"/console/ledger/export?period=custom&from={start}&to={end}")
    for page in (dashboard, ledger):
        assert page.status_code == 422 and words in page.get_data(as_text=True)
    out = app.test_cli_runner().invoke(args=["ledger", "export", "--from", start, "--to", end, "/tmp/x.xlsx"])
    assert out.exit_code != 0 and words in out.output


def test_the_presets_name_the_same_days_on_the_dashboard_and_in_the_ledger(app, county):
    today = local_date(datetime.now(timezone.utc))
    office = Console(app, "coordinator")
    for dashboard_key, ledger_key, name in (("this_month", "month", THIS_MONTH),
                                            ("this_quarter", "quarter", THIS_QUARTER),
                                            ("this_year", "year", THIS_YEAR)):
        period = preset_period(name, today)
        assert period.end == today
        page = office.text(f"/console/dashboard?preset={dashboard_key}")
        assert f'data-period="{period.start}/{period.end}"' in page
        ledger = office.get(f"/console/ledger/export?period={ledger_key}")
        assert ledger.status_code == 200
        assert quote(filename(period, False)) in ledger.headers["Content-Disposition"]


def test_a_period_given_as_two_dates_names_the_missing_or_impossible_one():
    from service.assessment.periods import check_period
    from service.core.errors import Invalid
    with pytest.raises(Invalid) as refused:
        check_period(None, date(2026, 12, 4))
    assert refused.value.fields == {"from": "请填写起始日期"}
    with pytest.raises(Invalid) as refused:
        check_period(date(1800, 1, 1), None)
    assert set(refused.value.fields) == {"from", "to"} and "年份须在" in refused.value.fields["from"]
    assert check_period(date(2026, 11, 1), date(2026, 11, 30)).label == "2026年11月"


def test_so_far_periods_keep_their_words_and_say_up_to_when():
    today = date(2026, 12, 4)
    month, quarter, year = (preset_period(p, today) for p in (THIS_MONTH, THIS_QUARTER, THIS_YEAR))
    assert (month.start, month.end) == (date(2026, 12, 1), today)
    assert month.label == "2026年12月（截至12月4日）" and quarter.label == "2026年第四季度（截至12月4日）"
    assert year.label == "2026年（截至12月4日）" and year.shape == "year"
    with pytest.raises(ValueError):
        preset_period("next_month", today)
