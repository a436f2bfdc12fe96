"""A department's handler works an issue end to end from a phone (390×844, as in WeChat's
browser): the inbox as cards, the issue's actions first, a photo from the camera, every page
without sideways scrolling."""
import io

from PIL import Image

from ..helpers import issue_in
from .conftest import login, screenshot

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _step(page, action: str, label: str, fields: dict[str, str], done: str, shot: str) -> None:
    page.locator(f"#action-{action} .accordion-button").click()
    page.locator(f"#form-{action}.collapse.show").wait_for()
    for name, value in fields.items():
        page.locator(f"#form-{action}").get_by_label(name).fill(value)
    _fits(page)
    page.locator(f"#form-{action}").get_by_role("button", name=label).click()
    page.get_by_text(done).first.wait_for()
    _fits(page)
    screenshot(page, shot)


def test_a_handler_works_an_issue_end_to_end_on_a_phone(api, live_server, page, county, tmp_path, app,
                                                        monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    issue = issue_in(api, "assigned", title="园区东路路面塌陷影响货车通行")
    page.set_viewport_size(PHONE)
    login(page, live_server, "fgj")
    assert page.url.endswith("/console/inbox")
    card = page.locator("#inbox-cards .issue-card", has_text=issue["code"])
    assert card.is_visible() and "签收或退单" in card.inner_text()
    assert not page.locator("table").is_visible()
    _fits(page)
    screenshot(page, "phone-inbox")

    card.click()
    page.wait_for_url(f"**/console/issues/{issue['id']}")
    # the actions come before the issue's details on a phone
    actions_top = page.locator("#h-actions").bounding_box()["y"]
    assert actions_top < page.locator("#h-content").bounding_box()["y"]
    _fits(page)
    screenshot(page, "phone-issue")

    _step(page, "accept", "签收", {"签收意见（选填）": "已签收"}, "已签收，请尽快制定办理方案", "phone-accepted")
    _step(page, "plan", "制定办理方案", {"办理方案（办理路径、解决办法）": "联系住建局下周进场修补，先设置绕行标志。"},
          "办理方案已保存", "phone-plan")
    _step(page, "progress", "报送进展", {"办理进展": "施工单位已进场。"}, "办理进展已报送", "phone-progress")

    photo = tmp_path / "现场.jpg"
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 200)).save(picture, "JPEG")
    photo.write_bytes(picture.getvalue())
    page.locator("#attachment-photo").set_input_files(str(photo))   # the camera button's input
    page.locator("#attachments").get_by_role("button", name="上传").click()
    page.get_by_text("附件“现场.jpg”已上传").wait_for()
    thumb = page.locator("#attachments img.attachment-thumb")
    assert thumb.count() == 1
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('#attachments img.attachment-thumb').naturalWidth > 0")
    _fits(page)
    screenshot(page, "phone-photo")

    _step(page, "answer", "答复", {"答复内容": "已安排修补，预计本周五前完成。"}, "已答复，反映人将收到短信",
          "phone-answered")
    _step(page, "reply", "办理答复", {"办理结果": "路面已修补完成，货车恢复通行。"}, "办理结果已答复",
          "phone-replied")
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")["status"] == "replied"
