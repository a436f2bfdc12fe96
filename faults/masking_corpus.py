"""The masking corpus: hypothesis-generated reporters (Chinese names, mobiles, ID numbers,
landlines, e-mail addresses, WeChat and QQ ids, enterprises) written in every form people
write them — `+86`/`0086`/`86` in front, full-width digits, digits apart by spaces, dots,
dashes, brackets or invisible characters, an ID in groups, a name with a space in it or the
given name alone, an enterprise's short name — planted in the reporter's fields and in every
text that gets published (title, public title, summary, result, township), published through
the API, then looked for on every public surface and through public search.

    .venv/bin/python -m faults.masking_corpus [--examples 200] [--url sqlite:///…|postgresql://…]

Without --url it runs once on a fresh SQLite file and once on a throw-away PostgreSQL database
(YS_TEST_PG_URL, default the local server), and prints for each: examples run, surfaces read,
searches made, leaks found. Exits 1 on a leak. tests/disclosure/test_masking_corpus.py runs a few
examples per database in the test suite.

A leak is any of a person's data found in a public answer once the answer is read the way a
person would read it (HTML and XML unescaped, full-width made half-width, spaces, dots, dashes
and invisible characters between the characters dropped): the whole name or the given name
alone, any 7 consecutive digits of the mobile (the masked form shows its first 3 and last 4),
the birth date or the first 17 characters of the ID number, a landline's number, the e-mail
address's name, the WeChat id, the enterprise's full or trade name; or a public search for any
of them (or for 4 digits of the mobile) that finds the issue.
"""
import argparse
import html
import json
import re
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.core.masking import fold

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "欧阳", "司马", "诸葛", "上官", "东方"]
# Given names and trade names from characters no page of the site uses: a hit is a leak,
# never a coincidence.
GIVEN = "骁璟翊琰昕珩瑄钰琪彧煜瑾晗璇祎婧蔚湉芃曦"
FIRMS = "鑫瑞泓昊骏晟煊琨铖淼森焱垚犇"
INDUSTRIES = ["农业科技", "商贸", "建材", "物流", "食品", "纺织", "光电", "机械制造", "电子科技", "新能源"]
LEGAL_FORMS = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]
REGIONS = ["", "陕西", "陕西省", "西安市", "陕西省西安市", "秦川县"]
ID_REGIONS = ["610102", "110101", "440305", "320106", "510104"]
MAIL_DOMAINS = ["qq.com", "163.com", "example.com.cn", "ys-corp.cn"]
# Characters people put between the digits of a number or the characters of a name.
DIGIT_SEPARATORS = [" ", "-", ".", "\u3000", "\u200b", "－", "．", "—", " - ", "\u00a0"]
NAME_SEPARATORS = [" ", "\u3000", "·", "\u200b", "  "]
CHAT_LABELS = ["微信号：", "微信 ", "微信:", "VX:", "vx ", "wx：", "WeChat ", "威信"]
QQ_LABELS = ["QQ号", "QQ:", "qq ", "扣扣"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- the people --------------------------------------------------------------------------------

@dataclass
class Person:
    surname: str
    given: str
    mobile: str
    id_number: str
    landline: tuple[str, str]
    mail: tuple[str, str]
    chat_id: str
    qq: str
    org: tuple[str, str, str, str]    # region, trade name, industry, legal form

    @property
    def name(self) -> str:
        return self.surname + self.given

    @property
    def org_name(self) -> str:
        return "".join(self.org)


people = st.builds(
    Person,
    surname=st.sampled_from(SURNAMES),
    given=st.text(GIVEN, min_size=1, max_size=2),
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    id_number=st.builds(lambda r, born, seq, check: f"{r}{born:%Y%m%d}{seq:03d}{check}",
                        st.sampled_from(ID_REGIONS), st.dates(date(1950, 1, 1), date(2005, 12, 31)),
                        st.integers(0, 999), st.sampled_from("0123456789X")),
    landline=st.tuples(st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True),
                       st.from_regex(r"[2-8][0-9]{6}", fullmatch=True)),
    mail=st.tuples(st.from_regex(r"zq[a-z]{3,6}[0-9]{0,3}", fullmatch=True), st.sampled_from(MAIL_DOMAINS)),
    chat_id=st.from_regex(r"wq[a-z]{3,8}_?[0-9]{0,4}", fullmatch=True),
    qq=st.from_regex(r"[5-9][0-9]{6,9}", fullmatch=True),
    org=st.tuples(st.sampled_from(REGIONS), st.text(FIRMS, min_size=2, max_size=4),
                  st.sampled_from(INDUSTRIES), st.sampled_from(LEGAL_FORMS)),
)


# --- the forms they are written in -------------------------------------------------------------

@st.composite
def mobile_form(draw, mobile: str) -> str:
    groups = draw(st.sampled_from([(3, 4, 4), (3, 8), (3, 3, 5), (11,), (1, 2, 4, 4)]))
    parts, at = [], 0
    for size in groups:
        parts.append(mobile[at:at + size])
        at += size
    number = draw(st.sampled_from(DIGIT_SEPARATORS)).join(parts) if len(parts) > 1 else parts[0]
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "+86", "0086 ", "0086-", "86 ", "(+86)", "（＋８６）", "0"]))
    text = prefix + number
    return full_width(text) if draw(st.booleans()) else text


@st.composite
def id_form(draw, id_number: str) -> str:
    groups = draw(st.sampled_from([(18,), (6, 8, 4), (6, 4, 4, 4), (3, 3, 8, 4)]))
    parts, at = [], 0
    for size in groups:
        parts.append(id_number[at:at + size])
        at += size
    text = draw(st.sampled_from(DIGIT_SEPARATORS[:6])).join(parts)
    if draw(st.booleans()):
        text = text.replace("X", "x")
    return full_width(text) if draw(st.booleans()) else text


@st.composite
def landline_form(draw, landline: tuple[str, str]) -> str:
    area, number = landline
    text = draw(st.sampled_from(["{a}-{n}", "({a}){n}", "{a} {n}", "{a}{n}", "（{a}）{n}"])).format(a=area, n=number)
    return full_width(text) if draw(st.booleans()) else text


@st.composite
def name_form(draw, person: Person) -> str:
    kind = draw(st.sampled_from(["whole", "spaced", "apart", "given"]))
    if kind == "given" and len(person.given) >= 2:
        return person.given
    if kind == "spaced":
        return person.surname + draw(st.sampled_from(NAME_SEPARATORS)) + person.given
    if kind == "apart":
        return draw(st.sampled_from(NAME_SEPARATORS[:3])).join(person.name)
    return person.name


@st.composite
def org_form(draw, person: Person) -> str:
    region, trade, industry, legal = person.org
    return draw(st.sampled_from([person.org_name, trade + industry + legal, trade + industry, trade,
                                 trade + "公司", region + trade + industry, trade[:1] + " " + trade[1:] + industry]))


@st.composite
def mail_form(draw, person: Person) -> str:
    local, domain = person.mail
    at = draw(st.sampled_from(["@", "＠", "#", "(at)", " @ ", "[at]"]))
    text = local + at + domain
    return full_width(text) if draw(st.booleans()) else text


@st.composite
def chat_form(draw, person: Person) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(CHAT_LABELS)) + person.chat_id
    return draw(st.sampled_from(QQ_LABELS)) + person.qq


@st.composite
def planted(draw) -> dict:
    """A reporter, a responsible person, and the texts of one issue carrying their data."""
    who, staff = draw(people), draw(people)
    marker = draw(st.text("甲乙丙丁戊己庚辛壬癸", min_size=6, max_size=6))

    def sentence() -> str:
        return (f"联系人{draw(name_form(who))}，电话{draw(mobile_form(who.mobile))}，"
                f"身份证{draw(id_form(who.id_number))}，座机{draw(landline_form(who.landline))}，"
                f"{draw(org_form(who))}门前道路塌陷，邮箱{draw(mail_form(who))}，{draw(chat_form(who))}。")

    title = f"{draw(name_form(who))}反映{draw(org_form(who))}道路破损{draw(mobile_form(who.mobile))}{marker}"
    texts = {
        "title": title[:200],
        "public_title": (f"{draw(org_form(who))}门前道路{draw(mobile_form(who.mobile))}{marker}"
                         if draw(st.booleans()) else None),
        "content": sentence(),
        "summary": sentence() + f"已修复{marker}。" + sentence(),
        "result": f"责任人{draw(name_form(staff))}已电话联系{draw(name_form(who))}（{draw(mobile_form(who.mobile))}），"
                  + sentence(),
        "township": f"城关镇{draw(mobile_form(who.mobile))}"[:64],
        "visit_note": f"{draw(name_form(who))}表示满意",
    }
    return {"who": who, "staff": staff, "marker": marker, "texts": texts}


# --- what must never show ----------------------------------------------------------------------

# Dropped from a public answer before looking: what may stand between the characters of a
# number or a name as a person reads it.
_BETWEEN = re.compile(r"[\s\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff.\-_/\\·•・()\[\]—–]")


def readable(body: str) -> str:
    return _BETWEEN.sub("", fold(html.unescape(body))).casefold()


def secrets(person: Person, *, reporter: bool) -> dict[str, str]:
    """What of `person` must not appear in a readable public answer, by what it is."""
    m = person.mobile
    out = {"name": person.name}
    if len(person.given) >= 2:
        out["given name"] = person.given
    out |= {f"mobile digits {k + 1}-{k + 7}": m[k:k + 7] for k in range(5)}
    if reporter:
        out |= {"ID birth date": person.id_number[6:14], "ID first 17": person.id_number[:17].lower(),
                "landline": person.landline[1], "e-mail name": person.mail[0], "WeChat id": person.chat_id,
                "QQ": person.qq, "enterprise": person.org_name, "trade name": person.org[1]}
    return {k: v.casefold() for k, v in out.items()}


def search_terms(person: Person) -> list[str]:
    m = person.mobile
    terms = [m, f"{m[:3]} {m[3:7]} {m[7:]}", m[3:7], m[-4:], m[3:], person.id_number, person.id_number[6:14],
             person.name, person.org[1], person.org_name, person.mail[0], person.chat_id, person.qq,
             person.landline[1]]
    if len(person.given) >= 2:
        terms.append(person.given)
    return terms


@dataclass
class Tally:
    examples: int = 0
    reads: int = 0
    searches: int = 0
    surfaces: set = field(default_factory=set)
    leaks: list = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.examples} examples, {self.reads} public answers read on {len(self.surfaces)} surfaces, "
                f"{self.searches} searches, leaks found: {len(self.leaks)}")


@dataclass
class Cast:
    """Who walks an issue to publication: bearer tokens, the lead department and leader."""
    coordinator: str
    department: str
    department_id: int
    leader_id: int


def _call(client, method: str, path: str, token: str, body: dict) -> dict:
    resp = client.open(path, method=method, json=body, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code in (200, 201), (path, resp.status_code, resp.get_json())
    return resp.get_json()


def publish(client, cast: Cast, case: dict) -> dict:
    """The planted issue, created and walked to publication through the API."""
    who, staff, t = case["who"], case["staff"], case["texts"]
    issue = _call(client, "POST", "/api/v1/issues", cast.coordinator, {
        "title": t["title"], "content": t["content"], "channel": "hotline", "type": "help", "category": "基础设施",
        "township": t["township"],
        "reporter": {"name": case["reporter_name"], "org": who.org_name, "phone": who.mobile, "kind": "enterprise",
                     "consent_public": False}})
    act = f"/api/v1/issues/{issue['id']}/actions/"
    _call(client, "POST", act + "assign", cast.coordinator, {
        "lead_department_id": cast.department_id, "co_department_ids": [], "lead_leader_id": cast.leader_id,
        "responsible_person": staff.name, "responsible_phone": staff.mobile, "note": "请尽快办理"})
    _call(client, "POST", act + "accept", cast.department, {"note": "已签收"})
    _call(client, "POST", act + "reply", cast.department, {"result": t["result"]})
    _call(client, "POST", act + "visit", cast.coordinator, {"satisfaction": "satisfied", "note": t["visit_note"]})
    _call(client, "POST", act + "evaluate", cast.coordinator, {"verdict": "resolved", "evidence": "现场核实已整改到位"})
    body = {"public_summary": t["summary"]} | ({"public_title": t["public_title"]} if t["public_title"] else {})
    return _call(client, "POST", act + "publish", cast.coordinator, body)


def check(client, issue: dict, case: dict, tally: Tally) -> None:
    """Every public answer about the issue, and every search for its people's data."""
    code, marker = issue["code"], case["marker"]
    wanted = secrets(case["who"], reporter=True) | {f"responsible {k}": v for k, v in
                                                    secrets(case["staff"], reporter=False).items()}
    reads = ["/", f"/?q={marker}", f"/issues/{code}", "/feed.atom", "/api/v1/public/issues",
             f"/api/v1/public/issues?q={marker}", f"/api/v1/public/issues/{code}", "/open311/v2/requests.json",
             "/open311/v2/requests.xml", f"/open311/v2/requests/{code}.json", f"/open311/v2/requests/{code}.xml",
             f"/open311/v2/requests.json?service_request_id={code}"]
    for path in reads:
        resp = client.get(path)
        tally.reads += 1
        tally.surfaces.add(path.replace(code, "{code}").replace(marker, "{marker}"))
        body = resp.get_data(as_text=True)
        if resp.status_code != 200 or code not in body:
            tally.leaks.append((path, "the published issue is missing", resp.status_code))
            continue
        if resp.is_json:
            body += "\n" + json.dumps(resp.get_json(), ensure_ascii=False)
        seen = readable(body)
        tally.leaks += [(path, what, value) for what, value in wanted.items() if value in seen]
    for term in search_terms(case["who"]) + [case["staff"].name]:
        for path in ("/", "/api/v1/public/issues"):
            resp = client.get(path, query_string={"q": term})
            tally.searches += 1
            tally.surfaces.add(f"{path}?q={{data}}")
            found = (code in {i["code"] for i in resp.get_json()["items"]} if resp.is_json
                     else f"/issues/{code}" in resp.get_data(as_text=True))
            if resp.status_code != 200 or found:
                tally.leaks.append((f"{path}?q={term}", "search finds the issue", resp.status_code))


def run(app, cast: Cast, examples: int) -> Tally:
    """`examples` generated issues planted, published and looked for; the tally of what was seen."""
    tally = Tally()
    client = app.test_client()

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(case=planted(), reporter_name=st.data())
    def one(case, reporter_name):
        who = case["who"]
        case["reporter_name"] = reporter_name.draw(st.sampled_from(
            [who.name, f"{who.surname} {who.given}", f" {who.name}\u3000", f"{who.surname}\u3000{who.given}"]))
        issue = publish(client, cast, case)
        tally.examples += 1
        check(client, issue, case, tally)

    one()
    return tally


# --- by hand -----------------------------------------------------------------------------------

def prepare(url: str):
    """An app on a fresh database at `url` with the demo county's departments and users."""
    from sqlmodel import Session, select

    import demo
    from app import create_app
    from models import Department, User
    from service.core.db import make_engine
    from service.core.migrate import upgrade
    from service.identity.sessions import issue_token
    from service.intake.categories import seed_defaults

    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        if not demo.has_data(session):
            demo.seed(session, now, issue_count=20)
        seed_defaults(session)
        users = {u.username: u for u in session.exec(select(User)).all()}
        department = session.exec(select(Department).where(Department.code == "fgj")).one()
        cast = Cast(coordinator=issue_token(session, users["yingshang"], now)[0],
                    department=issue_token(session, users["dept_fgj"], now)[0],
                    department_id=department.id, leader_id=users["xianzhang"].id)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "masking-corpus", "TESTING": True})
    return app, cast


def _databases(url: str | None):
    """(label, url, cleanup) for each database to run on."""
    import os

    import psycopg
    if url:
        yield url.split(":", 1)[0], url, None
        return
    yield "sqlite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'corpus.db'}", None
    admin = os.environ.get("YS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"ys_corpus_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield "postgresql", admin.rsplit("/", 1)[0] + f"/{name}", drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=200, help="generated issues per database")
    parser.add_argument("--url", default=None, help="one database (default: a fresh SQLite file and PostgreSQL)")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)   # one access line per request would drown the figures
    clean = True
    for label, url, drop in _databases(args.url):
        try:
            app, cast = prepare(url)
            tally = run(app, cast, args.examples)
            app.extensions["ys"]["engine"].dispose()
        finally:
            if drop:
                drop()
        print(f"{label}: {tally.summary()}")
        for leak in tally.leaks[:20]:
            print("  LEAK", leak)
        clean = clean and not tally.leaks
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
