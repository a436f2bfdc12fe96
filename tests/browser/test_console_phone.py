"""A department handler works an issue from end to end on a phone (390×844, WeChat's in-app
browser): the inbox as cards, the issue page with its actions at the top, every step's form
with thumb-sized controls and a photo from the camera, and no page wider than the screen. At
1366×768 the inbox stays a table."""
import io

from PIL import Image
from sqlmodel import Session, select

from models import Attachment, Issue

from ..helpers import issue_in
from .conftest import login, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2185A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (60, 140, 90)).save(out, "JPEG")
    return out.getvalue()


def _fits(page, what: str) -> None:
    """Nothing of the page reaches past the screen's right edge: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (what, width)


def _thumb_sized(locator, what: str) -> None:
    box = locator.bounding_box()
    assert box and box["height"] >= 44, (what, box)


def _step(page, action: str, label: str, text: str, done: str, shot: str) -> None:
    """Open a step of the issue page's actions, fill its one text, submit it with a thumb."""
    page.wait_for_load_state("load")   # the page's script in place: a tap before it opens nothing
    page.locator(f"#action-{action} .accordion-button").tap()
    form = page.locator(f"#form-{action}.collapse.show")
    form.wait_for()
    field = form.get_by_label(label)
    _thumb_sized(field, f"{action}: {label}")
    field.fill(text)
    submit = form.get_by_role("button", name=page.locator(f"#action-{action} .accordion-button").inner_text())
    _thumb_sized(submit, f"{action}: submit")
    _fits(page, f"{action} form")
    screenshot(page, f"phone-{shot}")
    submit.tap()
    page.get_by_text(done).wait_for()
    _fits(page, f"after {action}")


def test_a_department_handler_works_an_issue_end_to_end_on_a_phone(browser, api, live_server, engine, county):
    issue = issue_in(api, "assigned", title="园区三期道路未通影响企业原料运输，请协调尽快修通")
    held = issue_in(api, "suspended", title="企业用地指标待省级审批")
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  user_agent=WECHAT)
    page = context.new_page()
    try:
        login(page, live_server, "fgj")
        assert page.url.endswith("/console/inbox")
        # The inbox as cards: colour, code, title and the nearest deadline; the table is not shown.
        card = page.locator("#inbox-cards .issue-card").filter(has_text=issue["code"])
        assert card.is_visible()
        assert not page.locator("table").first.is_visible()
        assert "园区三期道路未通" in card.inner_text() and "时限" in card.inner_text()
        assert "border-warning" in card.get_attribute("class")         # due for acceptance within a day
        title = card.locator(".fw-semibold")
        assert title.bounding_box()["width"] > 250                     # the title has the card's width
        _thumb_sized(card, "inbox card")
        # a suspended issue's nearest date is its review (复核)
        held_card = page.locator("#inbox-cards .issue-card").filter(has_text=held["code"])
        assert f"复核 {held['review_on']}" in held_card.inner_text()
        _fits(page, "inbox")
        screenshot(page, "phone-inbox")

        card.tap()
        page.wait_for_url(f"**/console/issues/{issue['id']}")
        # What the handler can do comes first, above the issue's content.
        actions = page.locator("#h-actions").bounding_box()
        assert actions["y"] < page.locator("#h-content").bounding_box()["y"]
        assert actions["y"] < PHONE["height"] / 2
        _fits(page, "issue page")
        screenshot(page, "phone-issue")

        _step(page, "accept", "签收意见（选填）", "已签收，马上安排", "已签收，请尽快制定办理方案", "accept")
        _step(page, "plan", "办理方案（办理路径、解决办法）",
              "会同县交通局本周内完成三期道路路基施工，下周铺设路面，期间货车改走纬二路。",
              "办理方案已保存", "plan")
        _step(page, "progress", "办理进展", "路基已完成，路面铺设进行中。", "办理进展已报送", "progress")
        _step(page, "answer", "答复内容", "道路预计下周五通车，通车前货车请走纬二路。",
              "已答复，反映人将收到短信", "answer")

        # A photo from the phone's camera, before the final reply.
        camera = page.locator("#attachment-photo")
        assert camera.get_attribute("capture") == "environment"
        assert camera.get_attribute("accept") == "image/*,application/pdf"
        page.locator("label[for=attachment-photo]").scroll_into_view_if_needed()
        _thumb_sized(page.locator("label[for=attachment-photo]"), "camera button")
        # A file picked first, then a photo taken instead: the photo is what is sent.
        page.locator("#attachment-file").set_input_files(
            files=[{"name": "施工方案.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
        assert page.locator("#attachment-name").inner_text() == "施工方案.pdf"
        camera.set_input_files(files=[{"name": "通车现场.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
        assert page.locator("#attachment-name").inner_text() == "通车现场.jpg"
        _fits(page, "photo chosen")
        screenshot(page, "phone-photo-chosen")
        page.locator("#attachments").get_by_role("button", name="上传").tap()
        page.get_by_text("附件“通车现场.jpg”已上传").wait_for()
        page.locator("#attachments img.attachment-thumb").wait_for()
        _fits(page, "photo uploaded")
        page.locator("#attachments").scroll_into_view_if_needed()
        screenshot(page, "phone-photo-uploaded")

        page.evaluate("window.scrollTo(0, 0)")
        _step(page, "reply", "办理结果", "三期道路已于今日通车，原料车辆恢复直行，附现场照片。",
              "办理结果已答复，反映人将收到短信", "reply")
        assert page.locator(".timeline li").nth(-1).get_attribute("data-action") == "reply"
        screenshot(page, "phone-replied")

        with Session(engine) as session:
            done = session.get(Issue, issue["id"])
            assert done.status == "replied" and done.answered_at is not None and done.plan
            photo = session.exec(select(Attachment).where(Attachment.issue_id == issue["id"])).one()
            assert (photo.filename, photo.content_type) == ("通车现场.jpg", "image/jpeg")

        # The office's 回访 queue on the same phone: the replied issue, no sideways scrolling.
        context.clear_cookies()
        login(page, live_server, "coordinator")
        page.goto(f"{live_server}/console/board/visits")
        visit = page.locator(f".visit-card[data-issue='{issue['id']}']")
        assert visit.is_visible()
        _thumb_sized(visit.get_by_role("button", name="记录回访"), "visit submit")
        _fits(page, "visit queue")
        screenshot(page, "phone-visits")
        page.goto(f"{live_server}/console/issues")
        assert page.locator("#issue-cards .issue-card").filter(has_text=issue["code"]).is_visible()
        _fits(page, "issue list")
        screenshot(page, "phone-issue-list")
    finally:
        context.close()


def test_the_inbox_is_still_a_table_on_a_wide_screen(api, live_server, page):
    issue = issue_in(api, "assigned", title="企业用电报装超时")
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "fgj")
    table = page.locator("table")
    assert table.is_visible()
    assert not page.locator("#inbox-cards").is_visible()
    row = table.locator("tbody tr").filter(has_text=issue["code"])
    assert "企业用电报装超时" in row.inner_text()
    # The actions stay in the right-hand column beside the issue's content.
    page.get_by_role("link", name="企业用电报装超时").click()
    actions, content = page.locator("#h-actions").bounding_box(), page.locator("#h-content").bounding_box()
    assert actions["x"] > content["x"] + content["width"] and abs(actions["y"] - content["y"]) < 5
    screenshot(page, "wide-issue")


def _every_form_fits(page, what: str) -> list[str]:
    """Open each step of the issue page in turn: its form fits the screen and its fields and button
    take a thumb. Returns the steps seen."""
    actions = page.locator("#actions > .accordion-item").evaluate_all("items => items.map(i => i.id.slice(7))")
    for action in actions:
        header = page.locator(f"#action-{action} .accordion-button")
        if "collapsed" in (header.get_attribute("class") or ""):
            header.tap()
        form = page.locator(f"#form-{action}.collapse.show")
        form.wait_for()
        _fits(page, f"{what}: {action}")
        controls = form.locator("input.form-control, textarea, select, .btn")
        for i in range(controls.count()):
            if controls.nth(i).is_visible():
                _thumb_sized(controls.nth(i), f"{what}: {action} #{i}")
        if action in ("assign", "reassign", "escalate", "decide_extension"):
            form.scroll_into_view_if_needed()
            screenshot(page, f"phone-form-{action}")
    return actions


def test_every_action_form_fits_a_phone(browser, api, live_server):
    extension = issue_in(api, "in_progress")
    api.ok("POST", f"/api/v1/issues/{extension['id']}/actions/request_extension", "fgj",
           json={"complete_due": "2027-03-31", "reason": "道路施工受冬季低温影响，需顺延"})
    cases = [(issue_in(api, state), who) for state, who in (
        ("collected", "coordinator"), ("assigned", "fgj"), ("in_progress", "coordinator"), ("in_progress", "fgj"),
        ("suspended", "coordinator"), ("escalated", "coordinator"), ("replied", "coordinator"),
        ("replied", "fgj"), ("closed", "coordinator"), ("published", "coordinator"))]
    cases.append((extension, "coordinator"))
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  user_agent=WECHAT)
    page = context.new_page()
    seen = set()
    try:
        for issue, who in cases:
            context.clear_cookies()
            login(page, live_server, who)
            page.goto(f"{live_server}/console/issues/{issue['id']}")
            _fits(page, f"{issue['status']} page for {who}")
            seen.update(_every_form_fits(page, f"{issue['status']} for {who}"))
    finally:
        context.close()
    # the steps of every role that works on a phone were all opened
    assert {"assign", "reject", "answer_on_spot", "accept", "plan", "progress", "request_extension",
            "answer", "reply", "report", "reassign", "set_deadline", "suspend", "resume", "escalate",
            "escalation_followup", "escalation_answer", "decide_extension", "visit", "unreached",
            "close_off", "evaluate", "publish", "withdraw"} <= seen, seen
