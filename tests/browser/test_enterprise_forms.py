"""修改企业 in a real browser at 1366×768: the office corrects an enterprise with the keyboard,
a wrong check digit is shown next to the credit code with everything typed kept, and the saved
values appear on the enterprise's page."""
from playwright.sync_api import expect

from ..enterprises.test_enterprises import WRONG_CHECK
from ..enterprises.test_leader_visits import firm
from .conftest import login, screenshot


def test_the_office_edits_an_enterprise_and_sees_the_saved_value(live_server, page, api, county):
    for name in ("城关镇", "东关街道"):
        api.ok("POST", "/api/v1/townships", "coordinator", status=201, json={"name": name})
    row = firm(api, county, leaders=())
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/enterprises/{row['id']}")
    page.click("#edit-enterprise")
    expect(page.locator("h1")).to_have_text("修改企业")
    expect(page.locator("#f-name")).to_be_focused()
    page.fill("#f-industry", "现代农业")
    page.select_option("#f-township", "东关街道")
    page.check(f"#leader-{county.user_id('leader2')}")
    page.fill("#f-credit_code", WRONG_CHECK[0])
    page.locator("#f-credit_code").press("Enter")
    # refused: the message sits next to the field, the rest is as typed
    expect(page.locator("#f-credit_code")).to_have_class("form-control is-invalid")
    expect(page.locator("#f-credit_code ~ .invalid-feedback")).to_contain_text("校验位")
    expect(page.locator("#f-industry")).to_have_value("现代农业")
    expect(page.locator("#f-township")).to_have_value("东关街道")
    expect(page.locator(f"#leader-{county.user_id('leader2')}")).to_be_checked()
    expect(page.locator("#f-credit_code")).to_be_focused()
    screenshot(page, "enterprise-edit-refused")
    page.fill("#f-credit_code", row["credit_code"])
    page.locator("#f-credit_code").press("Enter")
    page.wait_for_url(f"{live_server}/console/enterprises/{row['id']}")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("main, body").first).to_contain_text("现代农业")
    expect(page.locator("body")).to_contain_text("东关街道")
    expect(page.locator("body")).to_contain_text("包保县级领导：leader2")
    screenshot(page, "enterprise-edit-saved")
