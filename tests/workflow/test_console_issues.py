"""The console's issue list and issue page: who sees what, the action forms, attachments."""
import io
import re
from urllib.parse import quote

import pytest

from service.deadlines.policies import policy_for
from service.deadlines.rules import default_deadlines

from ..console_client import csrf, logged_in, text
from ..helpers import issue_in
from ..workflow.test_attachments import JPG, PDF, office


@pytest.fixture
def as_user(app, county):
    """A logged-in test client for the given username."""
    return lambda username: logged_in(app, username)


def post_action(client, issue: dict, action: str, data: dict, version: int | None = None):
    page = client.get(f"/console/issues/{issue['id']}")
    body = {"csrf_token": csrf(page.data), "version": issue["version"] if version is None else version, **data}
    return client.post(f"/console/issues/{issue['id']}/actions/{action}", data=body)


# --- the list -------------------------------------------------------------------------------

def test_each_role_sees_its_own_issues_in_the_list(api, as_user, county):
    mine = issue_in(api, "in_progress", title="发改局主办的问题")
    collected = issue_in(api, "collected", title="尚未交办的问题")
    for who in ("coordinator", "operator", "supervisor", "admin"):
        page = text(as_user(who).get("/console/issues"))
        assert mine["code"] in page and collected["code"] in page, who
    for who in ("fgj", "zrj", "leader"):        # lead, co-handler, lead leader
        page = text(as_user(who).get("/console/issues"))
        assert mine["code"] in page and collected["code"] not in page, who
    for who in ("scj", "leader2"):
        page = text(as_user(who).get("/console/issues"))
        assert mine["code"] not in page and "还没有问题" in page, who
    assert "县发改局" in text(as_user("coordinator").get("/console/issues"))


def test_list_filters_and_pages(api, as_user, county):
    for i in range(3):
        issue_in(api, "collected", title=f"待交办问题{i}")
    assigned = issue_in(api, "assigned", title="已交办问题")
    client = as_user("coordinator")
    page = text(client.get("/console/issues?status=assigned"))
    assert "已交办问题" in page and "待交办问题0" not in page
    page = text(client.get("/console/issues?q=待交办问题1"))
    assert "待交办问题1" in page and "待交办问题2" not in page
    page = text(client.get(f"/console/issues?department={county.dept_id('fgj')}"))
    assert assigned["code"] in page and "待交办问题0" not in page
    assert "已交办问题" in text(client.get("/console/issues?flag=yellow"))   # due for acceptance tomorrow
    assert "没有符合条件的问题" in text(client.get("/console/issues?flag=red"))
    assert "待交办问题0" in text(client.get("/console/issues?status=nonsense"))  # unknown values are ignored

    import web.console.issues as view
    view.PAGE_SIZE, saved = 2, view.PAGE_SIZE
    try:
        first = text(client.get("/console/issues?status=collected"))
        cursor = re.search(r'cursor=([^&"]+)', first).group(1)
        second = text(client.get(f"/console/issues?status=collected&cursor={cursor}"))
    finally:
        view.PAGE_SIZE = saved
    assert "待交办问题2" in first and "待交办问题0" not in first
    assert "待交办问题0" in second and "回到第一页" in second
    bad = client.get("/console/issues?cursor=bad")
    assert bad.status_code == 422 and "分页游标无效" in text(bad)


# --- the issue page ------------------------------------------------------------------------

def test_issue_page_shows_everything_to_staff(api, as_user, county):
    issue = issue_in(api, "published")
    page = text(as_user("coordinator").get(f"/console/issues/{issue['id']}"))
    for expected in (issue["code"], issue["title"], "王建国", "13812345678", "秦岭绿源农业科技有限公司",
                     "县发改局", "县自然资源局", "李明", "13700001111", "园区东路已修复。", "满意"):
        assert expected in page, expected
    labels = re.findall(r'<li class="timeline-(\w+)"', page)
    assert labels == ["create", "assign", "accept", "reply", "visit", "evaluate", "publish"]
    assert "公开公示" in page and "您现在没有需要" not in page.split("办理操作")[0]


def test_only_the_actions_one_may_take_now_are_offered(api, as_user, county):
    issue = issue_in(api, "assigned")
    forms = {who: re.findall(r'/actions/(\w+)"', text(as_user(who).get(f"/console/issues/{issue['id']}")))
             for who in ("fgj", "zrj", "coordinator", "supervisor", "leader", "operator")}
    assert forms == {"fgj": ["accept", "return"], "zrj": [], "coordinator": ["set_deadline", "reassign", "urge"],
                     "supervisor": ["urge"],
                     "leader": ["instruct"], "operator": []}


def test_another_departments_issue_is_a_chinese_404_page(api, as_user, county):
    issue = issue_in(api, "in_progress")
    for who in ("scj", "leader2"):
        resp = as_user(who).get(f"/console/issues/{issue['id']}")
        assert resp.status_code == 404 and "没有找到" in text(resp) and "问题不存在或您无权查看" in text(resp)
        assert resp.content_type.startswith("text/html")
    assert as_user("coordinator").get("/console/issues/999999").status_code == 404
    # The JSON API keeps its envelope for the same refusal.
    resp = api.get(f"/api/v1/issues/{issue['id']}", "scj")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "issue_not_found"


def test_the_assign_form_is_prefilled_from_the_policy(api, as_user, county, db, app):
    issue = issue_in(api, "collected", type="complaint")
    page = text(as_user("coordinator").get(f"/console/issues/{issue['id']}"))
    with app.test_request_context():
        from web.context import calendar, today
        expected = default_deadlines(policy_for(db, "complaint", "hotline"), today(), calendar())
    for key, day in expected.items():
        assert re.search(rf'id="assign-{key}" name="{key}" type="date" value="{day.isoformat()}"', page), key
    assert "县市场监管局" in page and ">leader<" in page


def test_assigning_through_the_form(api, as_user, county):
    issue = issue_in(api, "collected")
    client = as_user("coordinator")
    resp = post_action(client, issue, "assign", {
        "lead_department_id": county.dept_id("zrj"),
        "co_department_ids": [county.dept_id("fgj"), county.dept_id("scj")],
        "lead_leader_id": county.user_id("leader2"), "responsible_person": "赵刚",
        "responsible_phone": "13700002222", "complete_due": "", "note": "会上交办"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/console/issues/{issue['id']}")
    page = text(client.get(resp.headers["Location"]))
    assert "已交办，承办单位、责任人和反映人将收到短信" in page
    detail = api.ok("GET", f"/api/v1/issues/{issue['id']}", "coordinator")
    assert detail["status"] == "assigned" and detail["lead_leader_id"] == county.user_id("leader2")
    assert detail["co_department_ids"] == sorted([county.dept_id("fgj"), county.dept_id("scj")])
    assert detail["deadlines"]["complete_due"]   # left empty: the policy's


def test_a_department_accepts_and_replies(api, as_user, county):
    issue = issue_in(api, "assigned")
    client = as_user("fgj")
    assert post_action(client, issue, "accept", {"note": "已签收"}).status_code == 302
    issue = api.ok("GET", f"/api/v1/issues/{issue['id']}", "fgj")
    assert issue["status"] == "in_progress"
    resp = post_action(client, issue, "reply", {"result": "已完成修复"})
    assert resp.status_code == 302
    assert "办理结果已答复" in text(client.get(resp.headers["Location"]))
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "fgj")["status"] == "replied"


def test_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(api, as_user, county):
    issue = issue_in(api, "in_progress")
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/progress", "zrj", json={"note": "协办单位已勘察"})
    resp = post_action(as_user("fgj"), issue, "progress", {"note": "已联系施工单位，下周进场"},
                       version=issue["version"])
    page = text(resp)
    assert resp.status_code == 409
    assert re.search(r"该问题已由zrj于\d\d月\d\d日 \d\d:\d\d报送进展，请刷新后再操作", page)
    assert "您填写的内容仍保留在下方表单中" in page
    assert re.search(r'<textarea[^>]*name="note"[^>]*>\s*已联系施工单位，下周进场</textarea>', page)
    current = api.ok("GET", f"/api/v1/issues/{issue['id']}", "fgj")["version"]
    assert f'name="version" value="{current}"' in page      # a second submit, once checked, goes through
    assert "协办单位已勘察" in page                          # the page shows what changed


def test_refused_fields_are_marked_and_the_rest_kept(api, as_user, county):
    issue = issue_in(api, "in_progress")
    resp = post_action(as_user("fgj"), issue, "request_extension", {"complete_due": "2020-01-01", "reason": "等设备"})
    page = text(resp)
    assert resp.status_code == 422
    assert "申请的办结时限须晚于现时限" in page and 'value="2020-01-01"' in page
    assert re.search(r">\s*等设备</textarea>", page)
    resp = post_action(as_user("fgj"), issue, "reply", {"result": ""})
    assert resp.status_code == 422 and "办理结果：必填" in text(resp)
    resp = post_action(as_user("coordinator"), issue_in(api, "assigned"), "urge",
                       {"note": "x"}, version=None)
    assert resp.status_code == 302
    resp = post_action(as_user("fgj"), issue, "suspend", {"reason": "x", "review_on": "2030-01-01"})
    assert resp.status_code == 403 and "您的角色无权挂账" in text(resp)
    assert as_user("fgj").post(f"/console/issues/{issue['id']}/actions/fly", data={}).status_code in (400, 404)


def test_a_step_form_is_checked_by_the_same_schema_as_the_api(api, as_user, county):
    """A field means and accepts the same on the issue page as in the JSON API: a refused
    value gets the API's message, under the field's label, and nothing is done."""
    issue = issue_in(api, "in_progress")
    refused = {"complete_due": "2026-02-30", "reason": "等设备"}
    answer = api.post(f"/api/v1/issues/{issue['id']}/actions/request_extension", "fgj", json=refused)
    assert answer.status_code == 422
    message = answer.get_json()["error"]["fields"]["complete_due"]
    resp = post_action(as_user("fgj"), issue, "request_extension", refused)
    page = text(resp)
    assert resp.status_code == 422 and f"申请将办结时限延至：{message}" in page
    assert re.search(r">\s*等设备</textarea>", page) and 'value="2026-02-30"' in page
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "fgj")["version"] == issue["version"]


def test_reject_names_the_issue_it_merges_into_by_code(api, as_user, county):
    first, second = issue_in(api, "collected"), issue_in(api, "collected")
    client = as_user("coordinator")
    resp = post_action(client, second, "reject", {"reason": "duplicate", "merged_into": "YS2000-999999"})
    assert resp.status_code == 422 and "没有这个编号的问题" in text(resp)
    resp = post_action(client, second, "reject", {"reason": "duplicate", "merged_into": first["code"].lower()})
    assert resp.status_code == 302
    page = text(client.get(resp.headers["Location"]))
    assert "重复反映" in page and first["code"] in page


def test_a_form_without_its_csrf_token_is_refused(api, as_user, county):
    issue = issue_in(api, "assigned")
    resp = as_user("fgj").post(f"/console/issues/{issue['id']}/actions/accept", data={"version": issue["version"]},
                               headers={"Accept": "text/html"})
    assert resp.status_code == 400 and "页面已过期" in text(resp)
    assert api.ok("GET", f"/api/v1/issues/{issue['id']}", "fgj")["status"] == "assigned"


def test_pages_need_a_login(api, app, county):
    issue = issue_in(api, "assigned")
    client = app.test_client()
    for path in ("/console/issues", f"/console/issues/{issue['id']}", "/console/inbox", "/console/intake"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/console/login" in resp.headers["Location"]


# --- attachments ---------------------------------------------------------------------------

@pytest.fixture
def storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path))
    return tmp_path


def upload(client, issue_id: int, data: bytes, name: str, token: str | None = None):
    token = token or csrf(client.get(f"/console/issues/{issue_id}").data)
    return client.post(f"/console/issues/{issue_id}/attachments", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def test_upload_list_and_download(api, as_user, county, storage):
    issue = issue_in(api, "in_progress")
    client = as_user("fgj")
    resp = upload(client, issue["id"], PDF, "现场情况说明.pdf")
    assert resp.status_code == 302
    page = text(client.get(resp.headers["Location"]))
    assert "附件“现场情况说明.pdf”已上传" in page and "上传附件" in page
    link = re.search(r'href="(/console/attachments/\d+)">现场情况说明.pdf', page).group(1)

    for who in ("fgj", "zrj", "coordinator", "leader"):
        got = as_user(who).get(link)
        assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf", who
        disposition = got.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('现场情况说明.pdf')}" in disposition
    for who in ("scj", "leader2"):
        got = as_user(who).get(link)
        assert got.status_code == 404 and "附件不存在或您无权查看" in text(got), who
    assert len(list(storage.iterdir())) == 1


def test_pictures_show_on_the_page_and_a_pdf_opens_in_the_browser(api, as_user, county, storage):
    issue = issue_in(api, "in_progress")
    client = as_user("fgj")
    for data, name in ((JPG, "现场照片.jpg"), (PDF, "整改报告.pdf"), (office("word/document.xml"), "说明.docx")):
        assert upload(client, issue["id"], data, name).status_code == 302
    page = text(client.get(f"/console/issues/{issue['id']}"))
    thumbs = re.findall(r'<img [^>]*src="(/console/attachments/\d+/view)" alt="([^"]+)"', page)
    views = {name: link for link, name in thumbs}
    assert list(views) == ["现场照片.jpg"]                      # a thumbnail for the picture only
    pdf_view = re.search(r'href="(/console/attachments/\d+)">整改报告.pdf</a>\s*<a class="ms-2" href="([^"]+)"',
                         page).group(2)
    shown = client.get(views["现场照片.jpg"])
    assert shown.status_code == 200 and shown.data == JPG and shown.mimetype == "image/jpeg"
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    opened = client.get(pdf_view)
    assert opened.status_code == 200 and opened.mimetype == "application/pdf"
    assert opened.headers["Content-Disposition"].startswith("inline;")
    docx_id = re.search(r'href="/console/attachments/(\d+)">说明.docx', page).group(1)
    assert "预览" not in page.split("说明.docx")[1].split("</li>")[0]
    refused = client.get(f"/console/attachments/{docx_id}/view")
    assert refused.status_code == 404 and "不能在线预览" in text(refused)
    assert as_user("scj").get(views["现场照片.jpg"]).status_code == 404   # another department


def test_refused_uploads_say_why(api, as_user, county, storage):
    issue = issue_in(api, "in_progress")
    client = as_user("fgj")
    resp = upload(client, issue["id"], b"MZ\x90\x00", "工具.exe")
    assert resp.status_code == 422 and "不支持这种文件类型" in text(resp)
    resp = upload(client, issue["id"], JPG, "照片.png")
    assert resp.status_code == 422 and "文件内容与扩展名 .png 不符" in text(resp)
    resp = upload(client, issue["id"], PDF + b"\0" * (10 * 1024 * 1024), "大.pdf")
    assert resp.status_code == 422 and "超过 10 MB" in text(resp)
    resp = upload(client, issue["id"], PDF + b"\0" * (12 * 1024 * 1024), "更大.pdf")
    # refused before it is read, on the issue page itself: the person stays where they were
    page = text(resp)
    assert resp.status_code == 413 and "文件超过 10 MB，未能上传" in page
    assert issue["code"] in page and "上传附件" in page
    assert list(storage.iterdir()) == []
    resp = client.post(f"/console/issues/{issue['id']}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(PDF), "a.pdf")}, headers={"Accept": "text/html"})
    assert resp.status_code == 400 and "页面已过期" in text(resp)
    scj = as_user("scj")
    token = csrf(scj.get("/console/issues").data)
    assert upload(scj, issue["id"], PDF, "a.pdf", token).status_code == 404
    too_big = upload(scj, issue["id"], PDF + b"\0" * (12 * 1024 * 1024), "更大.pdf", token)
    assert too_big.status_code == 404 and issue["code"] not in text(too_big)


def test_no_upload_on_a_finished_issue(api, as_user, county, storage):
    issue = issue_in(api, "published")
    client = as_user("coordinator")
    assert 'name="file"' not in text(client.get(f"/console/issues/{issue['id']}"))
    resp = upload(client, issue["id"], PDF, "a.pdf")
    assert resp.status_code == 409 and "不能再上传附件" in text(resp)
