"""On a phone (390×844) a person submits an issue with a photo; once the office has published
the issue and made the photo public it shows on the issue page. At 1366×768 the office lists
its 公示批次, opens one, answers an objection, and the answer is on the public page."""
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from models import Attachment, Issue
from service.deadlines.calendar import local_date
from service.intake.categories import seed_defaults

from ..console import Console
from ..disclosure.test_disclosure_batches import object_to
from ..intake.test_public_photos import png as make_png
from ..intake.test_public_photos import publish
from ..public_helpers import published
from .conftest import login, screenshot


def test_a_photo_sent_from_a_phone_shows_once_approved(app, api, db, live_server, page):
    seed_defaults(db)
    app.config["SUBMIT_MIN_SECONDS"] = 0
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server}/submit")
        page.fill("input[name=title]", "园区纬二路路灯不亮")
        page.fill("textarea[name=content]", "工业园区纬二路路灯已经坏了两周，夜间货车进出很危险。")
        page.select_option("select[name=category]", "infrastructure")
        page.fill("input[name=phone]", "13912345678")
        page.set_input_files("input[name=photos]", files=[
            {"name": "路灯.png", "mimeType": "image/png", "buffer": make_png(320, 240, (30, 110, 200))}])
        question = page.locator(".pub-question").inner_text()
        a, b = (int(x) for x in question.replace("= ?", "").split("+"))
        page.fill("input[name=answer]", str(a + b))
        page.locator("#f-photos").scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "submit-photo-phone")
        page.click("button:has-text('提交')")
        page.wait_for_url("**/submit/done")
        code = page.locator("#tracking-code").inner_text()
    finally:
        app.config["SUBMIT_MIN_SECONDS"] = 3
    db.rollback()
    issue = db.exec(select(Issue).where(Issue.code == code)).one()
    photo = db.exec(select(Attachment).where(Attachment.issue_id == issue.id)).one()
    assert photo.public_status == "pending"
    publish(api, issue)
    page.goto(f"{live_server}/issues/{code}")
    assert page.locator("[data-photos] img").count() == 0
    Console(app, "coordinator").post(f"/console/attachments/{photo.id}/public", {"public": "1"})
    page.reload()
    image = page.locator("[data-photos] img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('[data-photos] img').complete")   # the picture arrived
    assert image.evaluate("img => img.naturalWidth") == 320
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "issue-photo-phone")


def test_the_office_answers_an_objection_on_the_batch_page(app, api, client, live_server, page):
    today = local_date(datetime.now(timezone.utc))
    issues = [published(api, title="企业用电报装等待时间过长", summary="县供电公司压缩报装时限，该企业已通电投产。"),
              published(api, title="园区东路路面塌陷影响货车通行", summary="塌陷路段已修复。")]
    batch = api.ok("POST", "/api/v1/disclosure-batches", "coordinator", status=201, json={
        "title": "2026年第3期服务企业早餐会问题办理情况公示", "issue_ids": [i["id"] for i in issues],
        "starts_on": (today - timedelta(days=1)).isoformat(), "ends_on": (today + timedelta(days=6)).isoformat()})
    sent = object_to(client, batch["id"], content="园区东路仍有一段未修复", issue_code=issues[1]["code"])
    assert sent.status_code == 303
    api.act(issues[0]["id"], "withdraw", "coordinator", {"reason": "企业反映公示内容有误，核实后重新公示"})

    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "coordinator")
    page.goto(f"{live_server}/console/batches")
    row = page.locator(f"[data-batch='{batch['id']}']")
    assert "2026年第3期服务企业早餐会问题办理情况公示" in row.inner_text()
    assert row.locator("[data-open-objections]").inner_text() == "1"
    screenshot(page, "batch-list-office")

    row.locator("a.fw-semibold").click()
    main = page.locator("main").inner_text()
    assert "赵骁璟" in main and "13911112222" in main and "已撤回" in main and "企业反映公示内容有误" in main
    page.click("button:has-text('保存答复并公布')")   # empty: refused, naming the field
    assert "请填写答复内容" in page.locator("main").inner_text()
    page.fill("textarea[name=answer]", "经复核，园区东路剩余路段已列入本月维修计划。")
    page.click("button:has-text('保存答复并公布')")
    page.locator("[data-answered]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "batch-page-office")

    page.goto(f"{live_server}/batches/{batch['id']}")
    text = page.locator("#objections").inner_text()
    assert "经复核，园区东路剩余路段已列入本月维修计划。" in text and "赵骁璟" not in page.content()
    assert "已撤回" in page.locator("main").inner_text()
    screenshot(page, "batch-public-after-answer")
