"""Inputs carry the limits the API enforces (maxlength), and text beyond them is refused with the
field named, in the console as in the API: never cut without a word."""
import re

from ..console import Console
from ..helpers import REPORTER

LONG_TITLE = "园区道路" * 75   # 300 characters, the limit is 200


def _maxlength(page: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)
    found = re.search(r'maxlength="(\d+)"', tag)
    return found.group(1) if found else None


def test_a_300_character_title_is_refused_by_the_api_naming_the_field(api, county):
    resp = api.post("/api/v1/issues", "operator", json={
        "title": LONG_TITLE, "content": "路面塌陷", "channel": "hotline", "reporter": dict(REPORTER)})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["title"] == "最多 200 个字，现有 300 个"
    assert api.ok("GET", "/api/v1/issues", "coordinator")["items"] == []


def test_a_300_character_title_is_refused_by_the_console_and_kept_as_typed(app, api, county):
    office = Console(app, "operator")
    form = office.text("/console/intake")
    assert _maxlength(form, "title") == "200" and _maxlength(form, "content") == "5000"
    assert _maxlength(form, "reporter_name") == "64" and _maxlength(form, "reporter_phone") == "13"
    resp = office.post("/console/intake", {"title": LONG_TITLE, "content": "路面塌陷", "channel": "hotline",
                                           "type": "help", "reporter_phone": "13812345678", "reporter_name": "王建国",
                                           "reporter_kind": "enterprise"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    field = re.search(r'name="title"[^>]*>\s*<div class="invalid-feedback">([^<]*)', page)
    assert field and field.group(1) == "最多 200 个字，现有 300 个"
    assert f'value="{LONG_TITLE}"' in page          # what was typed is not lost either
    assert api.ok("GET", "/api/v1/issues", "coordinator")["items"] == []


def test_the_edit_and_step_forms_carry_the_api_s_limits(app, api, county):
    issue = api.create_issue()
    office = Console(app, "coordinator")
    edit = office.text(f"/console/issues/{issue['id']}/edit")
    assert _maxlength(edit, "title") == "200" and _maxlength(edit, "reporter_org") == "200"
    page = office.text(f"/console/issues/{issue['id']}")
    assert _maxlength(page, "responsible_person") == "64" and _maxlength(page, "responsible_phone") == "13"
    assert _maxlength(page, "answer") == "5000"


def test_a_search_longer_than_the_api_takes_is_refused_not_cut(app, api, county):
    office = Console(app, "coordinator")
    assert _maxlength(office.text("/console/issues"), "q") == "100"
    resp = office.get("/console/issues?q=" + "路" * 101)
    assert resp.status_code == 422 and "最多 100 个字，现有 101 个" in resp.get_data(as_text=True)
    assert office.get("/console/issues?q=" + "路" * 100).status_code == 200


def test_the_administration_forms_carry_the_api_s_limits(app, county):
    admin = Console(app, "admin")
    users = admin.text("/console/admin/users")
    assert _maxlength(users, "display_name") == "64" and _maxlength(users, "phone") == "13"
    departments = admin.text("/console/admin/departments")
    assert _maxlength(departments, "name") == "64" and _maxlength(departments, "code") == "32"
    assert _maxlength(admin.text("/console/admin/calendar"), "note") == "100"
