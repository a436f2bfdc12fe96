"""The public side as a reporter meets it on a phone: the tracking link in the SMS opens the form
with the code filled in, codes are read in any case and with or without leading zeros, the site
has an icon, and the footer links lead somewhere a phone can use."""
import re

import pytest
from sqlmodel import select

from models import SmsMessage
from service.core.issue_codes import canonical

from ..helpers import issue_in
from ..public_helpers import published, track_form

pytestmark = pytest.mark.both_db


def _typed_forms(code: str) -> list[str]:
    """YS2026-000007 as people type it: ys2026-7, Ys2026-0007, YS2026000007, ' ys2026-000007 '."""
    year, seq = code[2:6], int(code[7:])
    return [f"ys{year}-{seq}", f"Ys{year}-{seq:04d}", f"YS{year}{seq:06d}", f" ys{year}-{seq:06d} "]


def test_a_typed_code_reads_as_the_stored_one():
    assert canonical("ys2026-173") == "YS2026-000173"
    assert canonical("YS2026-000173") == "YS2026-000173"
    assert canonical(" Ys2026-0173 ") == "YS2026-000173"
    for wrong in ("", "2026-173", "AB2026-173", "YS26-173", "YS2026-1234567", "YS2026-17a", None):
        assert canonical(wrong) is None, wrong


def test_the_reporter_s_sms_links_to_the_form_with_the_code_filled_in(api, client, db):
    issue = issue_in(api, "assigned")
    sms = db.exec(select(SmsMessage).where(SmsMessage.issue_id == issue["id"],
                                           SmsMessage.template == "assigned_reporter")).one()
    assert sms.params["track_url"].endswith(f"/track?code={issue['code']}")
    assert f"/track?code={issue['code']}" in sms.body
    form = client.get(f"/track?code={issue['code']}").get_data(as_text=True)
    assert re.search(rf'name="code"[^>]*value="{issue["code"]}"', form)


def test_tracking_takes_the_code_in_any_case_with_or_without_zeros(api, client):
    issue = issue_in(api, "assigned", title="园区东路路灯不亮")
    for typed in _typed_forms(issue["code"]):
        resp = track_form(client, typed, "5678")
        assert resp.status_code == 200, typed
        assert issue["code"] in resp.get_data(as_text=True) and "园区东路路灯不亮" in resp.get_data(as_text=True)
    assert track_form(client, issue["code"].lower(), "0000").status_code == 404   # the digits still count


def test_the_public_issue_page_takes_a_typed_code(api, client):
    issue = published(api, summary="园区东路已修复，货车恢复通行。")
    for typed in _typed_forms(issue["code"]):
        resp = client.get(f"/issues/{typed.strip()}")
        assert resp.status_code == 200, typed
        assert "园区东路已修复" in resp.get_data(as_text=True)
    assert client.get(f"/api/v1/public/issues/{issue['code'].lower()}").status_code == 200
    assert client.get("/issues/YS2026-999999").status_code == 404


def test_the_site_has_an_icon_and_a_footer_made_for_phones(client):
    html = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', html).group(1)
    resp = client.get(icon)
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml" and b"<svg" in resp.data
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    links = re.search(r'<nav class="pub-footer-links".*?</nav>', footer, re.S).group(0)
    assert 'href="/track"' in links and 'href="/submit"' in links and 'href="tel:12345"' in links
    # the machine-readable links are for wide screens only
    assert re.search(r'class="pub-footer-tech d-none d-md-block".*Open311', footer, re.S)
