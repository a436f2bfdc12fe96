"""The public site (/, /issues/<code>, /figures, /feed.atom, /track, /submit): what it shows,
what it never shows, caching, tracking and the public's own submissions."""
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from sqlalchemy import func, select

from models import Issue, SmsMessage
from service.deadlines.calendar import LOCAL_TZ
from service.intake.categories import seed_defaults
from web.public import pages

from ..conftest import make_test_app
from ..helpers import REPORTER, issue_in
from ..public_helpers import closed, hidden_value, published, submit_form, track_form, withheld

ATOM = "{http://www.w3.org/2005/Atom}"


def page(client, path: str, status: int = 200) -> str:
    resp = client.get(path)
    assert resp.status_code == status, (path, resp.status_code, resp.get_data(as_text=True)[:300])
    return resp.get_data(as_text=True)


def codes_on(html: str) -> list[str]:
    return re.findall(r'href="/issues/([A-Z0-9-]+)"', html)


@pytest.fixture
def categories(db):
    seed_defaults(db)


@pytest.fixture
def quick_forms(app):
    """A person takes seconds to fill the form; a test takes none."""
    saved = app.config["SUBMIT_MIN_SECONDS"]
    app.config["SUBMIT_MIN_SECONDS"] = 0
    yield
    app.config["SUBMIT_MIN_SECONDS"] = saved


# --- list, filters, pages ------------------------------------------------------------------------

def test_the_list_shows_published_issues_only(api, client):
    shown = published(api, title="企业用电报装等待时间过长", summary="县供电公司已压缩报装时限，企业已通电。")
    hidden = {state: issue_in(api, state, title=f"未公示的{state}问题")
              for state in ("collected", "assigned", "in_progress", "replied", "closed", "rejected")}
    kept_back = withheld(api, title="不予公开的问题")
    html = page(client, "/")
    assert codes_on(html) == [shown["code"]]
    assert "企业用电报装等待时间过长" in html and "县供电公司已压缩报装时限" in html
    assert "县发改局" in html and "按期办结" in html and "满意" in html
    for issue in [*hidden.values(), kept_back]:
        assert issue["code"] not in html
        page(client, f"/issues/{issue['code']}", 404)
    assert "不予公开的问题" not in html and "涉及企业商业秘密" not in html


def test_filters_narrow_the_list(api, client, county):
    hotline = published(api, title="热线反映的问题", channel="hotline", type="help")
    tea = published(api, title="晚茶会反映的问题", channel="evening_tea", type="suggestion", lead="zrj")
    year = datetime.now(LOCAL_TZ).year
    assert set(codes_on(page(client, "/"))) == {hotline["code"], tea["code"]}
    assert codes_on(page(client, "/?channel=evening_tea")) == [tea["code"]]
    assert codes_on(page(client, "/?type=help")) == [hotline["code"]]
    assert codes_on(page(client, f"/?department={county.dept_id('zrj')}")) == [tea["code"]]
    assert set(codes_on(page(client, f"/?year={year}"))) == {hotline["code"], tea["code"]}
    assert codes_on(page(client, f"/?year={year - 3}")) == []
    assert set(codes_on(page(client, "/?status=on_time"))) == {hotline["code"], tea["code"]}
    assert codes_on(page(client, "/?status=late")) == []
    assert set(codes_on(page(client, "/?status=published"))) == {hotline["code"], tea["code"]}
    # junk in a shared link is ignored, not an error
    assert set(codes_on(page(client, "/?channel=nope&year=abc&department=-1&status=x"))) == {
        hotline["code"], tea["code"]}
    # the filter form offers the choices, the chosen one selected
    html = page(client, "/?channel=evening_tea")
    assert re.search(r'<option value="evening_tea" selected>', html)
    assert "县自然资源局" in html


def test_pages_follow_a_stable_cursor(app, api, client):
    codes = [published(api, title=f"第{i}件公示问题")["code"] for i in range(3)]
    saved, pages.PAGE_SIZE = pages.PAGE_SIZE, 2
    try:
        first = page(client, "/")
        assert codes_on(first) == codes[::-1][:2]
        next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
        second = page(client, next_link)
        assert codes_on(second) == [codes[0]]
        assert 'rel="next"' not in second and "回到第一页" in second
        # the same link gives the same page later on, even after newer issues were published
        published(api, title="更新的公示问题")
        assert codes_on(page(client, next_link)) == [codes[0]]
    finally:
        pages.PAGE_SIZE = saved
    assert "分页游标无效" in page(client, "/?cursor=!!bad!!", 422)


def test_the_issue_page(api, client):
    issue = published(api, title="园区东路破损", summary="园区东路已修复，货车恢复通行。",
                      result="已完成路面修复。", township="城关镇", category="基础设施")
    html = page(client, f"/issues/{issue['code']}")
    for text in ("园区东路破损", "园区东路已修复，货车恢复通行。", "已完成路面修复。", "县发改局", "县自然资源局",
                 "城关镇", "基础设施", "按期办结", "满意", "公开公示", "部门答复", "王*国",
                 issue["deadlines"]["complete_due"]):
        assert text in html, text
    assert REPORTER["name"] not in html and REPORTER["phone"] not in html
    # the timeline shows steps and dates, never the notes written on them
    assert "企业表示满意" not in html and "已签收" not in html and "请尽快办理" not in html
    page(client, "/issues/YS2026-999999", 404)
    page(client, "/issues/<script>", 404)


def test_the_figures_page_counts_this_year_and_last(api, client):
    published(api)
    issue_in(api, "in_progress")
    issue_in(api, "collected")
    html = page(client, "/figures")
    year = datetime.now(LOCAL_TZ).year
    assert f"{year} 年" in html and f"{year - 1} 年" in html
    assert "100.0%" in html              # on time and satisfied, the one completed issue
    assert "按期办结率" in html and "满意率" in html and "县发改局" in html
    this_year = html.split(f"{year - 1} 年")[0]
    assert re.search(r"<strong>3</strong><span>登记问题", this_year)


def test_html_in_a_public_summary_comes_out_escaped(api, client):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)><b>粗体</b>'
    issue = published(api, title=f"标题{evil}", summary=f"摘要{evil}", result=f"答复{evil}")
    for path in ("/", f"/issues/{issue['code']}", "/?q=粗体", "/feed.atom"):
        body = page(client, path)
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>粗体" not in body, path
        assert "&lt;script&gt;" in body or "&lt;script&gt;" in body.replace("&amp;", "&"), path
    feed = ET.fromstring(client.get("/feed.atom").data)
    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert summary.startswith("摘要<script>")   # an XML parser reads back the very text, inert


# --- caching -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/?q=园区", "/figures", "/feed.atom", "ISSUE"])
def test_read_pages_answer_304_to_a_known_etag(api, client, path):
    issue = published(api, title="园区道路破损")
    path = f"/issues/{issue['code']}" if path == "ISSUE" else path
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    if path != "/figures":
        assert first.headers["Last-Modified"]
        since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_new_publication_changes_the_list_etag(api, client):
    published(api, title="第一件")
    etag = client.get("/").headers["ETag"]
    published(api, title="第二件")
    resp = client.get("/", headers={"If-None-Match": etag})
    assert resp.status_code == 200 and resp.headers["ETag"] != etag


def test_form_pages_are_never_cached(client):
    for path in ("/track", "/submit"):
        resp = client.get(path)
        assert resp.headers["Cache-Control"] == "no-store" and "ETag" not in resp.headers


# --- feed ----------------------------------------------------------------------------------------

def test_the_atom_feed_lists_newly_published_issues(app, api, client):
    first = published(api, title="先公示的问题")
    second = published(api, title="后公示的问题")
    issue_in(api, "closed", title="未公示的问题")
    resp = client.get("/feed.atom")
    assert resp.mimetype == "application/atom+xml"
    feed = ET.fromstring(resp.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text.split()[0] for e in entries] == [second["code"], first["code"]]
    base = app.config["PUBLIC_BASE_URL"]
    assert entries[0].find(f"{ATOM}id").text == f"{base}/issues/{second['code']}"
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}published").text
    assert "未公示的问题" not in resp.get_data(as_text=True)


# --- tracking ------------------------------------------------------------------------------------

def test_tracking_shows_the_reporters_own_issue_published_or_not(api, client):
    issue = issue_in(api, "replied")
    resp = track_form(client, issue["code"].lower(), REPORTER["phone"][-4:])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for text in (issue["code"], "已答复", "县发改局", "已完成路面修复，货车恢复通行。", "签收", "办理答复"):
        assert text in html, text
    assert REPORTER["phone"] not in html


def test_tracking_answers_the_same_for_unknown_code_and_wrong_digits(api, client):
    issue = issue_in(api, "assigned")
    wrong = track_form(client, issue["code"], "0000")
    unknown = track_form(client, "YS2026-999999", REPORTER["phone"][-4:])
    assert wrong.status_code == unknown.status_code == 404

    def answer(resp):   # the page without the echo of what was typed and the per-render token
        html = resp.get_data(as_text=True)
        html = re.sub(r'name="csrf_token"[^>]*>', "", html)
        return re.sub(r'name="(code|phone_last4)"[^>]*>', "", html)

    assert answer(wrong) == answer(unknown)
    assert "编号或手机号后4位不正确" in wrong.get_data(as_text=True)


def test_tracking_refuses_malformed_input_and_a_missing_csrf_token(client):
    assert track_form(client, "YS2026-000001", "12a4").status_code == 422
    stale = client.post("/track", data={"code": "YS2026-000001", "phone_last4": "1234"})
    assert stale.status_code == 400 and "页面已过期" in stale.get_data(as_text=True)


def test_tracking_is_rate_limited_per_client_together_with_the_api(api, database_url):
    issue = issue_in(api, "assigned")
    limited = make_test_app(database_url, TRACK_RATE_LIMIT="3 per minute")
    try:
        client = limited.test_client()
        answers = [track_form(client, issue["code"], REPORTER["phone"][-4:]) for _ in range(2)]
        answers.append(client.post("/api/v1/public/track",
                                   json={"code": issue["code"], "phone_last4": REPORTER["phone"][-4:]}))
        answers.append(track_form(client, issue["code"], REPORTER["phone"][-4:]))
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        html = answers[-1].get_data(as_text=True)
        assert "操作过于频繁" in html and issue["code"] not in html
        # reading the form is not limited
        assert client.get("/track").status_code == 200
    finally:
        limited.extensions["ys"]["engine"].dispose()


# --- online submission ---------------------------------------------------------------------------

def count(db) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(Issue)).scalar_one()


def test_a_submission_gives_the_tracking_code(categories, quick_forms, client, db):
    resp = submit_form(client)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/submit/done")
    html = page(client, "/submit/done")
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', html).group(1)
    issue = db.execute(select(Issue).where(Issue.code == code)).scalars().one()
    assert issue.channel == "online" and issue.status == "collected" and issue.created_by_id is None
    assert issue.reporter_phone == "13912345678" and issue.category == "基础设施"
    assert issue.reporter_name == "刘晓燕" and issue.township == "城关镇"
    # and the reporter's phone gets the code at once, by SMS
    texts = db.execute(select(SmsMessage).where(SmsMessage.issue_id == issue.id)).scalars().all()
    assert [(m.recipient_phone, m.template) for m in texts] == [("13912345678", "registered_reporter")]
    assert code in texts[0].body and "/track" in texts[0].body
    # the code tracks it at once, and the done page does not show twice
    assert track_form(client, code, "5678").status_code == 200
    assert client.get("/submit/done").status_code == 302


@pytest.mark.parametrize("answer", ["999", "", "abc"])
def test_a_wrong_challenge_is_refused_and_nothing_is_created(categories, quick_forms, client, db, answer):
    before = count(db)
    resp = submit_form(client, answer=answer)
    assert resp.status_code == 422
    assert count(db) == before
    html = resp.get_data(as_text=True)
    assert "验证题" in html and "园区道路路灯不亮" in html   # what was typed is kept


def test_a_forged_or_too_fast_challenge_is_refused(categories, app, client, db):
    before = count(db)
    app.config["SUBMIT_MIN_SECONDS"] = 60
    try:
        assert "提交得太快了" in submit_form(client).get_data(as_text=True)
    finally:
        app.config["SUBMIT_MIN_SECONDS"] = 3
    page_html = page(client, "/submit")
    forged = client.post("/submit", data={"title": "标题四个字", "content": "具体情况写了十个字以上。",
                                          "phone": "13912345678", "type": "help", "answer": "2",
                                          "challenge": "eyJhIjoxLCJiIjoxfQ.forged",
                                          "csrf_token": hidden_value(page_html, "csrf_token")})
    assert forged.status_code == 422 and "验证题无效" in forged.get_data(as_text=True)
    assert count(db) == before


def test_a_submission_needs_a_mobile_phone_and_a_csrf_token(categories, quick_forms, client, db):
    before = count(db)
    assert submit_form(client, phone="").status_code == 422
    assert submit_form(client, phone="0915-1234567").status_code == 422
    assert submit_form(client, title="短").status_code == 422
    assert submit_form(client, category="no-such").status_code == 422
    assert client.post("/submit", data={"title": "园区道路", "content": "x" * 20, "phone": "13912345678"}
                       ).status_code == 400
    assert count(db) == before


def test_submissions_are_rate_limited(categories, database_url, db):
    limited = make_test_app(database_url, SUBMIT_RATE_LIMIT="2 per minute", SUBMIT_MIN_SECONDS=0)
    try:
        client = limited.test_client()
        statuses = [submit_form(client).status_code for _ in range(3)]
        assert statuses == [303, 303, 429]
    finally:
        limited.extensions["ys"]["engine"].dispose()


def test_a_submission_with_consent_shows_the_enterprise_only_once_published(categories, quick_forms, client,
                                                                             api, db):
    submit_form(client, org="秦川智造有限公司", consent_public="y")
    issue = db.execute(select(Issue).order_by(Issue.id.desc())).scalars().first()
    assert issue.reporter_consent_public is True and issue.reporter_kind == "enterprise"
    assert "秦川智造有限公司" not in page(client, "/")


def test_the_withheld_and_closed_stay_off_search_and_feed(api, client):
    shown = published(api, title="公开的园区问题", summary="公开摘要园区道路")
    closed(api, title="已办结未公示的园区问题")
    withheld(api, title="不予公开的园区问题")
    for path in ("/?q=园区", "/?q=园区问题", "/feed.atom"):
        body = page(client, path)
        assert "未公示" not in body and "不予公开" not in body, path
    assert codes_on(page(client, "/?q=园区问题")) == [shown["code"]]


def test_the_figures_follow_every_change(api, client):
    issue_in(api, "collected")
    assert re.search(r"<strong>1</strong><span>登记问题", page(client, "/figures"))
    issue = issue_in(api, "assigned")
    assert re.search(r"<strong>2</strong><span>登记问题", page(client, "/figures"))
    api.act(issue["id"], "accept", "fgj", {})
    html = page(client, "/figures")
    assert re.search(r"办理中</th><td class=\"text-end\">1<", html), html
