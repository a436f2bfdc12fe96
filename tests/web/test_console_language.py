"""Chinese by default, English as the second locale: the switch in the navbar, the session
keeping the choice, labels translated, and a complete, compiled English catalogue."""
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from ..console import Console
from ..helpers import issue_in

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES"


def test_the_switch_and_the_session_keep_the_language(app, api, county):
    issue_in(api, "assigned")
    office = Console(app, "coordinator")
    page = office.text("/console/meetings")
    assert "<strong>中文</strong>" in page and 'href="/console/meetings?lang=en"' in page
    assert "新建会议" in page and "New meeting" not in page

    english = office.text("/console/meetings?lang=en&kind=forum")
    assert 'lang="en"' in english and "New meeting" in english and "Log out" in english
    assert "Meetings" in english and "Government-enterprise forum" in english
    assert "新建会议" not in english and 'href="/console/meetings?lang=zh&amp;kind=forum"' in english
    board = office.text("/console/board")                      # the session remembers
    assert "Overdue only" in board and "Assigned" in board and "Red: overdue" in board
    assert "只看超期" not in board
    assert "新建会议" in office.text("/console/meetings?lang=zh")
    assert "新建会议" in office.text("/console/meetings")


def test_every_page_of_the_office_renders_in_english(app, api, county):
    closed = issue_in(api, "closed")
    meeting = api.ok("POST", "/api/v1/meetings", "coordinator", status=201, json={
        "kind": "breakfast", "title": "早餐会", "held_at": "2026-12-03T07:30:00+08:00"})
    api.create_issue(meeting_id=meeting["id"], channel=None)
    pages = {
        "coordinator": ["/console/meetings", "/console/meetings/new", f"/console/meetings/{meeting['id']}",
                        f"/console/meetings/{meeting['id']}/sheet", "/console/board", "/console/board/sms",
                        "/console/board/extensions", "/console/board/visits", "/console/board/publication",
                        f"/console/board/publication/{closed['id']}", "/console/admin/policies",
                        "/console/admin/calendar"],
        "admin": ["/console/admin/users", "/console/admin/departments", "/console/admin/categories",
                  "/console/admin/templates"],
    }
    for who, paths in pages.items():
        client = Console(app, who)
        client.get("/console/login?lang=en")
        for path in paths:
            html = client.text(path)
            assert 'lang="en"' in html and "Log out" in html, path
    sheet = Console(app, "coordinator")
    sheet.get("/console/meetings?lang=en")
    assert "Meeting assignment sheet" in sheet.text(f"/console/meetings/{meeting['id']}/sheet")


def test_the_english_catalogue_is_complete_and_compiled():
    with open(ROOT / "translations" / "messages.pot", "rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    with open(CATALOGUE / "messages.po", "rb") as f:
        english = {m.id: m.string for m in read_po(f) if m.id}
    untranslated = sorted(i for i in template if not english.get(i))
    assert not untranslated, untranslated[:10]
    with open(CATALOGUE / "messages.mo", "rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == {k: v for k, v in english.items() if k in template and v}
