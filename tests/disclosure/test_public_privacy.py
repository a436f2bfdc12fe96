"""Privacy by construction: generated reporters (hypothesis) on published, unpublished and
withheld issues, with their names, phones, ID numbers and enterprise names written into every
text an issue has; none of it may appear on any public page, feed, Open311 answer (JSON and
XML), JSON API answer or search result, and nothing of the unpublished or withheld issues may
appear at all. The same holds for an enterprise's 企业评议 page, opened from the link in its
SMS (the link may be passed on): it lists the issues' titles without their reporters' data,
before and after the enterprise answers."""
import json
import re
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import Enterprise, RatingRound, SmsMessage
from service.assessment import ratings
from service.deadlines.calendar import LOCAL_TZ, WEEKDAYS
from service.disclosure.batches import raise_objection
from service.identity.sessions import issue_token
from service.intake.categories import seed_defaults

from ..public_helpers import closed, published, walk

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "司马", "诸葛", "上官"]
# Given names and enterprise names from characters no page of the site uses, so that a hit
# is a leak and never a coincidence.
GIVEN = "骁璟翊琰昕珩瑄钰琪彧煜瑾晗璇祎婧蔚湉芃曦"
FIRMS = "鑫瑞泓昊骏晟煊琨铖淼森焱垚犇"
TRADES = ["农业科技", "商贸", "建材", "物流", "食品", "纺织", "光电"]
REGIONS = ["610102", "110101", "440305", "320106", "510104"]

names = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2))
phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
id_numbers = st.builds(lambda r, born, seq, check: f"{r}{born:%Y%m%d}{seq:03d}{check}",
                       st.sampled_from(REGIONS), st.dates(date(1950, 1, 1), date(2005, 12, 31)),
                       st.integers(0, 999), st.sampled_from("0123456789X"))
orgs = st.builds(lambda a, t: f"{a}{t}有限公司", st.text(FIRMS, min_size=2, max_size=4), st.sampled_from(TRADES))
people = st.fixed_dictionaries({"name": names, "phone": phones, "id_number": id_numbers, "org": orgs})
markers = st.text("甲乙丙丁戊己庚辛壬癸", min_size=6, max_size=6)


def secrets_of(person: dict) -> list[str]:
    phone = person["phone"]
    return [person["name"], phone, f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
            person["id_number"], person["id_number"][6:14], person["org"]]


def texts_with(person: dict, marker: str) -> dict:
    """Every text of an issue, each carrying the person's data (and a marker for the issue)."""
    p = person
    phone_spaced = f"{p['phone'][:3]} {p['phone'][3:7]} {p['phone'][7:]}"
    return {
        "title": f"{p['name']}反映{p['org']}门前道路破损{marker}",
        "content": f"本人{p['name']}，身份证{p['id_number']}，手机{phone_spaced}，{p['org']}门前道路塌陷。",
        "result": f"已电话联系{p['name']}（{p['phone']}），{p['org']}门前道路已修复{marker}。",
        "summary": f"联系人{p['name']}，电话{p['phone']}，身份证{p['id_number']}，{p['org']}门前道路已修复{marker}。",
        "visit_note": f"{p['name']}表示满意，电话{p['phone']}",
    }


def reporter_of(person: dict) -> dict:
    return {"name": person["name"], "org": person["org"], "phone": person["phone"], "kind": "enterprise",
            "consent_public": False}


def everything_public(client, codes: list[str], terms: list[str], batches: list[int] = ()) -> dict[str, str]:
    """The text of every public answer: pages, feed, JSON API, Open311 (JSON and XML), searches,
    公示批次 pages."""
    reads = [(f"/batches/{b}", None) for b in batches]
    reads += [(p, None) for p in (
        "/", "/?channel=hotline", "/?status=on_time", "/figures", "/feed.atom", "/track", "/submit",
        "/api/v1/public/issues", "/api/v1/public/stats", "/open311/v2/services.json",
        "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/discovery.json")]
    for code in codes:
        reads += [(p, None) for p in (
            f"/issues/{code}", f"/api/v1/public/issues/{code}", f"/open311/v2/requests/{code}.json",
            f"/open311/v2/requests/{code}.xml")]
        reads.append(("/open311/v2/requests.xml", {"service_request_id": code}))
    for term in terms:
        reads += [("/", {"q": term}), ("/api/v1/public/issues", {"q": term})]
    bodies = {}
    for path, query in reads:
        resp = client.get(path, query_string=query)
        assert resp.status_code in (200, 404), (path, query, resp.status_code)
        body = resp.get_data(as_text=True)
        if query and "q" in query:   # the search page repeats what was typed: not a leak
            body = body.replace(query["q"], "")
        if resp.is_json:   # the bytes as sent, and re-serialised in case of \\u escapes
            body += "\n" + json.dumps(resp.get_json(), ensure_ascii=False)
        bodies[f"{path} {query or ''}"] = body
    return bodies


def at_moment(app, db, county, moment: datetime | None) -> None:
    """Fix the API's clock at `moment` (None: the real time), its tokens valid then."""
    if moment is None:
        app.config.pop("CONSOLE_NOW", None)
    else:
        app.config["CONSOLE_NOW"] = moment
    for name, user in county.users.items():
        county.tokens[name] = issue_token(db, user, moment or datetime.now(timezone.utc))[0]
    db.commit()


def rating_issues(app, api, db, county, people: list[dict], marker: str) -> tuple[int, date]:
    """An enterprise of the 企业库 (the first person's), with one issue from each person on its
    own day, some weeks ago, led by a department each: a title naming the reporter, the phone
    and the enterprise. Returns the enterprise's id and the day."""
    org = people[0]["org"]
    db.commit()  # end the session's read: the API wrote since
    firm = db.execute(select(Enterprise).where(Enterprise.name == org)).scalars().first()
    if firm is None:
        firm = Enterprise(name=org)
        db.add(firm)
        db.commit()
    # each example its own day, so that each opens a round of its own (rounds never overlap)
    day = datetime.now(LOCAL_TZ).date() - timedelta(days=30 + db.execute(
        select(func.count()).select_from(RatingRound)).scalar_one())
    at_moment(app, db, county, datetime.combine(day, time(10), LOCAL_TZ))
    try:
        for person, lead in zip(people, ("fgj", "scj"), strict=False):
            spaced = f"{person['phone'][:3]} {person['phone'][3:7]} {person['phone'][7:]}"
            closed(api, title=f"{person['name']}（{spaced}）反映{org}用电报装迟迟未办{marker}",
                   content=f"{person['name']}，电话{person['phone']}，{org}用电报装问题。",
                   reporter={**reporter_of(person), "org": org}, enterprise_id=firm.id, lead=lead)
    finally:
        at_moment(app, db, county, None)
    return firm.id, day


def rating_page_texts(app, client, db, county, firm_id: int, day: date, comment: str) -> list[str]:
    """The enterprise's page opened from the link in its SMS, before and after it answers."""
    now = datetime.now(timezone.utc)
    rnd = ratings.open_round(db, county.users["coordinator"], day, day, None, None, now, WEEKDAYS,
                             app.extensions["ys"]["public_base"], app.config["SECRET_KEY"])
    text = db.execute(select(SmsMessage).where(SmsMessage.dedupe_key == f"rating:{rnd.id}:{firm_id}")).scalar_one()
    assert text.template == "rating_invite"
    path = text.params["link"].removeprefix(app.extensions["ys"]["public_base"])
    db.commit()  # end the session's read: the page writes on its own connection
    before = client.get(path)
    assert before.status_code == 200, path
    html = before.get_data(as_text=True)
    assert "县发改局" in html and "县市场监管局" in html
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]
    fgj, scj = county.dept_id("fgj"), county.dept_id("scj")
    answer = {"csrf_token": csrf, f"score_{fgj}": "5", f"comment_{fgj}": comment,
              f"score_{scj}": "2", f"comment_{scj}": "跑了三趟才办成，希望一次告知所需材料"}
    done = client.post(path, data=answer)
    assert done.status_code == 303, done.get_data(as_text=True)
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert comment in after and "感谢您的评议" in after
    return [html, after]


@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shown=people, pending=people, kept_back=people, objector=people, rater=people, colleague=people,
       marks=st.lists(markers, min_size=4, max_size=4, unique=True))
def test_no_reporter_data_on_any_public_answer(app, api, client, db, county, shown, pending, kept_back, objector,
                                               rater, colleague, marks):
    seed_defaults(db)
    # an enterprise's two issues of some weeks ago, from two of its people, to rate in a round
    firm_id, rated_day = rating_issues(app, api, db, county, [rater, colleague], marks[3])
    t = texts_with(shown, marks[0])
    issue = published(api, title=t["title"], content=t["content"], result=t["result"], visit_note=t["visit_note"],
                      summary=t["summary"], reporter=reporter_of(shown), category="基础设施")
    hidden = []
    for person, mark in ((pending, marks[1]), (kept_back, marks[2])):
        h = texts_with(person, mark)
        hidden.append(closed(api, title=h["title"], content=h["content"], result=h["result"],
                             visit_note=h["visit_note"], reporter=reporter_of(person)))
    walk(api, hidden[1], [("withhold", "coordinator", {"reason": f"{kept_back['name']}要求不公开{marks[2]}"})])

    # a 公示批次 with the published issue, and an objection whose every text names its objector
    today = datetime.now(LOCAL_TZ).date()
    batch = api.ok("POST", "/api/v1/disclosure-batches", "coordinator", status=201, json={
        "title": f"第1期问题办理情况公示{marks[0]}", "issue_ids": [issue["id"]],
        "starts_on": (today - timedelta(days=1)).isoformat(), "ends_on": (today + timedelta(days=5)).isoformat()})
    # (an objection names no enterprise: its form asks only a name and a phone)
    spaced = f"{objector['phone'][:3]} {objector['phone'][3:7]} {objector['phone'][7:]}"
    db.commit()  # end the session's read: the batch was written by the API's own
    objection = raise_objection(db, batch["id"], {
        "name": objector["name"], "phone": objector["phone"], "issue_code": issue["code"],
        "content": f"本人{objector['name']}，身份证{objector['id_number']}，手机{spaced}，认为道路仍未修好。"},
        datetime.now(timezone.utc))
    api.ok("POST", f"/api/v1/objections/{objection.id}/answer", "coordinator",
           json={"answer": f"已电话答复{objector['name']}（{objector['phone']}），意见已核实。"})

    secrets = (secrets_of(shown) + secrets_of(pending) + secrets_of(kept_back) + secrets_of(objector)[:-1]
               + secrets_of(rater) + secrets_of(colleague) + [marks[1], marks[2], marks[3]])
    bodies = everything_public(client, [issue["code"]] + [h["code"] for h in hidden], secrets,
                               batches=[batch["id"]])
    leaks = [(path, s) for path, body in bodies.items() for s in secrets if s in body]
    assert not leaks, leaks[:5]
    # the published issue is there, masked; the other two are nowhere
    page = bodies[f"/issues/{issue['code']} "]
    assert marks[0] in page and f"{shown['phone'][:3]}****{shown['phone'][-4:]}" in page
    batch_page = bodies[f"/batches/{batch['id']} "]
    assert issue["code"] in batch_page and "已解决" in batch_page and "已核实" in batch_page
    assert f"{objector['phone'][:3]}****{objector['phone'][-4:]}" in batch_page
    for h in hidden:
        assert h["code"] not in "".join(v for k, v in bodies.items() if h["code"] not in k)
        assert client.get(f"/issues/{h['code']}").status_code == 404
        assert client.get(f"/open311/v2/requests/{h['code']}.json").status_code == 404
    # a search for the published issue's own marker finds it; for anyone's data, nothing
    assert issue["code"] in client.get("/", query_string={"q": marks[0]}).get_data(as_text=True)
    # (a spaced phone is three terms, "130 1234 5678", each of which the masked 130****5678 may hold)
    for s in (s for s in secrets if " " not in s):
        assert client.get("/api/v1/public/issues", query_string={"q": s}).get_json()["items"] == [], s

    # the enterprise's 企业评议 page (from its SMS link): the issues' titles without anyone's data
    # or the enterprise's name, before it answers and after (its own comments shown)
    pages = rating_page_texts(app, client, db, county, firm_id, rated_day, f"办理及时{marks[0]}")
    personal = secrets_of(rater) + secrets_of(colleague)
    leaks = [(n, s) for n, page in enumerate(pages) for s in personal if s in page]
    assert not leaks, leaks[:5]
    assert all(marks[3] in page for page in pages)  # the titles are there, masked
