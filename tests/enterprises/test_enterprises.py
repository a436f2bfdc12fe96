"""企业库: the 统一社会信用代码 check, the register through the API, townships at intake, issues
linked to enterprises, the enterprise page, the import of the enterprise list and the command
linking old issues."""
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlmodel import Session

from models import Enterprise, Issue, IssueEvent
from service.enterprises import credit_code
from service.enterprises.registry import link_existing_issues

from ..helpers import REPORTER, issue_in

# Real codes of registered companies (public business registrations), check digits as issued.
VALID_CODES = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "9144030071526726XG"]
# The same codes with the 18th character changed.
WRONG_CHECK = ["91350100M000100Y44", "91110000600037341K", "91440300708461136A", "9144030071526726X0"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_credit_codes_pass_the_national_check(code):
    assert credit_code.is_valid(code)
    assert credit_code.problem(code) is None


@pytest.mark.parametrize("code", WRONG_CHECK)
def test_a_wrong_check_digit_is_named_with_the_expected_one(code):
    message = credit_code.problem(code)
    assert message is not None and "校验位" in message
    good = next(c for c in VALID_CODES if c[:17] == code[:17])
    assert f"“{good[17]}”" in message


@pytest.mark.parametrize("code, words", [("9135010", "18位"), ("91350100M000100YI3", "格式"),
                                          ("01350100M000100Y43", "格式")])
def test_wrong_length_and_letters_outside_the_alphabet_are_refused(code, words):
    assert words in credit_code.problem(code)


def test_full_width_and_lower_case_are_read_as_the_standard_form():
    assert credit_code.is_valid("９１３５０１００ｍ０００１００ｙ４３")
    assert credit_code.is_valid("91350100m000100y43")


def enterprise(api, who="coordinator", status=201, **fields):
    body = {"name": "秦岭绿源农业科技有限公司", "credit_code": VALID_CODES[0], "industry": "农业",
            "township": "城关镇", "scale": "sme", "contact_name": "王建国", "contact_phone": "13812345678",
            "envoy_name": "赵特派", "envoy_phone": "13700002222"}
    body.update(fields)
    return api.ok("POST", "/api/v1/enterprises", who, status=status, json=body)


def test_an_enterprise_with_a_wrong_check_digit_is_refused_naming_the_field(api):
    resp = api.post("/api/v1/enterprises", "coordinator",
                    json={"name": "宏达建材有限公司", "credit_code": WRONG_CHECK[1]})
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert "统一社会信用代码校验位不正确" in error["fields"]["credit_code"]
    assert api.ok("GET", "/api/v1/enterprises", "coordinator")["items"] == []


def test_the_register_refuses_the_same_name_or_code_twice(api):
    enterprise(api)
    resp = api.post("/api/v1/enterprises", "coordinator", json={"name": "秦岭绿源农业科技有限公司"})
    assert resp.status_code == 409 and "name" in resp.get_json()["error"]["fields"]
    resp = api.post("/api/v1/enterprises", "coordinator", json={"name": "另一家公司", "credit_code": VALID_CODES[0]})
    assert resp.status_code == 409 and "credit_code" in resp.get_json()["error"]["fields"]


def test_type_ahead_finds_by_a_part_of_the_name_or_the_start_of_the_code(api):
    enterprise(api)
    enterprise(api, name="宏达建材有限公司", credit_code=VALID_CODES[1], contact_phone="13812340000")
    names = lambda q: [e["name"] for e in api.ok("GET", f"/api/v1/enterprises?q={q}", "operator")["items"]]  # noqa: E731
    assert names("绿源") == ["秦岭绿源农业科技有限公司"]
    assert names("911100") == ["宏达建材有限公司"]
    assert sorted(names("有限公司")) == sorted(["宏达建材有限公司", "秦岭绿源农业科技有限公司"])
    assert names("100%") == []


def test_only_the_office_sets_the_leaders_and_department_users_do_not_see_the_register(api, county):
    resp = api.post("/api/v1/enterprises", "operator",
                    json={"name": "宏达建材有限公司", "leader_ids": [county.user_id("leader")]})
    assert resp.status_code == 403
    row = enterprise(api, leader_ids=[county.user_id("leader")])
    assert [p["id"] for p in row["leaders"]] == [county.user_id("leader")]
    assert api.get(f"/api/v1/enterprises/{row['id']}", "fgj").status_code == 404
    assert api.get("/api/v1/enterprises", "fgj").status_code == 403
    # a leader sees the enterprises they 包保, and no other
    assert api.get(f"/api/v1/enterprises/{row['id']}", "leader").status_code == 200
    assert api.get(f"/api/v1/enterprises/{row['id']}", "leader2").status_code == 404
    assert api.ok("GET", "/api/v1/enterprises", "leader2")["items"] == []
    resp = api.post("/api/v1/enterprises", "coordinator",
                    json={"name": "另一家公司", "leader_ids": [county.user_id("fgj")]})
    assert resp.status_code == 422 and "leader_ids" in resp.get_json()["error"]["fields"]


def test_intake_picks_the_township_from_the_list_once_it_is_kept(api):
    # before the list is kept, any township is taken as typed (as the old issues were)
    api.create_issue(township="老街村")
    assert api.post("/api/v1/townships", "operator", json={"name": "城关镇"}).status_code == 403
    api.ok("POST", "/api/v1/townships", "coordinator", status=201, json={"name": "城关镇"})
    api.ok("POST", "/api/v1/townships", "coordinator", status=201, json={"name": "杨家镇"})
    assert [t["name"] for t in api.ok("GET", "/api/v1/townships", "operator")["items"]] == ["城关镇", "杨家镇"]
    body = {"title": "道路破损", "content": "园区道路破损", "channel": "hotline", "township": "老街村",
            "category": "基础设施", "reporter": dict(REPORTER)}
    resp = api.post("/api/v1/issues", "operator", json=body)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"township": "不是名单中的乡镇（街道），请从列表中选择"}
    assert api.create_issue(township="杨家镇")["township"] == "杨家镇"


def test_an_issue_old_township_stays_readable_and_editable(api):
    old = api.create_issue(township="老街村")
    api.ok("POST", "/api/v1/townships", "coordinator", status=201, json={"name": "城关镇"})
    got = api.ok("GET", f"/api/v1/issues/{old['id']}", "coordinator")
    assert got["township"] == "老街村"
    edited = api.ok("PATCH", f"/api/v1/issues/{old['id']}", "operator",
                    json={"version": got["version"], "title": "园区道路破损（补充）", "township": "老街村"})
    assert edited["township"] == "老街村"


def test_intake_links_a_picked_enterprise_and_fills_the_company(api):
    row = enterprise(api)
    issue = api.create_issue(enterprise_id=row["id"], reporter={"name": "王建国", "phone": "13812345678"})
    assert issue["enterprise_id"] == row["id"]
    assert issue["reporter"]["org"] == "秦岭绿源农业科技有限公司"
    resp = api.post("/api/v1/issues", "operator", json={"title": "t", "content": "c", "channel": "hotline",
                                                         "category": "基础设施", "enterprise_id": 999999})
    assert resp.status_code == 422 and resp.get_json()["error"]["fields"] == {"enterprise_id": "企业不存在"}


def test_intake_creates_a_new_enterprise_inline_or_nothing(api, engine):
    issue = api.create_issue(enterprise={"name": "新建的食品有限公司", "credit_code": VALID_CODES[2]},
                             reporter={"name": "李四", "phone": "13811112222"})
    with Session(engine) as s:
        row = s.execute(select(Enterprise).where(Enterprise.name == "新建的食品有限公司")).scalar_one()
        assert issue["enterprise_id"] == row.id and issue["reporter"]["org"] == "新建的食品有限公司"
    # a bad code refuses the issue too: neither is saved
    before = len(api.ok("GET", "/api/v1/issues", "coordinator")["items"])
    resp = api.post("/api/v1/issues", "operator", json={
        "title": "t", "content": "c", "channel": "hotline", "category": "基础设施",
        "enterprise": {"name": "另一家新公司", "credit_code": WRONG_CHECK[3]}})
    assert resp.status_code == 422
    assert "enterprise.credit_code" in resp.get_json()["error"]["fields"]
    assert len(api.ok("GET", "/api/v1/issues", "coordinator")["items"]) == before
    with Session(engine) as s:
        assert s.execute(select(Enterprise).where(Enterprise.name == "另一家新公司")).first() is None


def test_a_known_caller_brings_name_and_company(api):
    row = enterprise(api)
    caller = api.ok("GET", "/api/v1/enterprises/caller?phone=13812345678", "operator")
    assert caller["known"] and caller["name"] == "王建国" and caller["enterprise"]["id"] == row["id"]
    api.create_issue(reporter={"name": "张三", "org": "张三家庭农场", "phone": "13899998888"})
    caller = api.ok("GET", "/api/v1/enterprises/caller?phone=13899998888", "operator")
    assert (caller["name"], caller["org"], caller["enterprise"]) == ("张三", "张三家庭农场", None)
    assert not api.ok("GET", "/api/v1/enterprises/caller?phone=13000000000", "operator")["known"]
    assert api.get("/api/v1/enterprises/caller?phone=13812345678", "fgj").status_code == 403


def test_the_enterprise_page_shows_every_issue_open_ones_colours_and_satisfaction(api):
    row = enterprise(api)
    closed = issue_in(api, "closed", enterprise_id=row["id"])
    open_ = issue_in(api, "in_progress", enterprise_id=row["id"])
    issue_in(api, "closed")  # another enterprise's
    page = api.ok("GET", f"/api/v1/enterprises/{row['id']}", "coordinator")
    assert [i["code"] for i in page["issues"]] == [open_["code"], closed["code"]]
    assert page["open_count"] == 1
    assert sum(page["flags"].values()) == 1 and page["issues"][0]["flag"] in ("green", "yellow", "red")
    assert page["satisfaction"] == {"satisfied": 1}
    assert page["enterprise"]["issue_count"] == 2 and page["enterprise"]["open_count"] == 1


def workbook(rows: list[list], header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名单"])
    ws.append(header or ["企业名称", "统一社会信用代码", "所属行业", "企业规模", "联系人", "联系电话", "包保县级领导"])
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(api, content: bytes, dry_run: bool, who="coordinator"):
    return api.post("/api/v1/imports/enterprises", who, data={
        "file": (io.BytesIO(content), "企业名单.xlsx"), "dry_run": "true" if dry_run else "false"},
        content_type="multipart/form-data")


def test_the_enterprise_list_import_is_all_or_nothing_with_a_dry_run(api, county):
    good = [["宏达建材有限公司", VALID_CODES[1], "建材", "规上", "刘总", "13812340000", "leader"],
            ["秦岭绿源农业科技有限公司", VALID_CODES[0], "农业", "中小微", "王建国", "13812345678", "leader、leader2"]]
    bad = good + [["坏代码公司", WRONG_CHECK[2], "", "个体", "", "", ""],
                  ["=HYPERLINK(\"http://x\")", "", "", "", "", "", ""],
                  ["宏达建材有限公司", "", "", "", "", "", ""]]
    resp = upload(api, workbook(bad), dry_run=False)
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "rows_refused"
    assert api.ok("GET", "/api/v1/enterprises", "coordinator")["items"] == []
    report = upload(api, workbook(bad), dry_run=True).get_json()
    assert [r["row"] for r in report["refused"]] == [5, 6, 7]
    assert "校验位" in report["refused"][0]["reason"] and "公式" in report["refused"][1]["reason"]
    assert "第3行重复" in report["refused"][2]["reason"]
    report = api.ok("POST", "/api/v1/imports/enterprises", "coordinator", data={
        "file": (io.BytesIO(workbook(good)), "x.xlsx"), "dry_run": "true"}, content_type="multipart/form-data")
    assert (report["created"], report["ok"]) == (2, True)
    assert api.ok("GET", "/api/v1/enterprises", "coordinator")["items"] == []
    report = upload(api, workbook(good), dry_run=False).get_json()
    assert (report["created"], report["updated"]) == (2, 0)
    items = {e["name"]: e for e in api.ok("GET", "/api/v1/enterprises", "coordinator")["items"]}
    assert items["宏达建材有限公司"]["scale"] == "above"
    assert {p["name"] for p in items["秦岭绿源农业科技有限公司"]["leaders"]} == {"leader", "leader2"}
    # again: the same rows update what is on record
    report = upload(api, workbook(good), dry_run=False).get_json()
    assert (report["created"], report["updated"]) == (0, 2)
    assert upload(api, workbook(good), dry_run=True, who="operator").status_code == 403


def test_the_link_command_links_exact_names_and_lists_the_rest(api, engine, app):
    enterprise(api)
    exact = api.create_issue(reporter={**REPORTER, "org": " 秦岭绿源农业科技有限公司 "})
    near = api.create_issue(reporter={**REPORTER, "org": "秦岭绿源农业科技公司"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["enterprises", "link", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert exact["code"] in result.output and near["code"] in result.output
    with Session(engine) as s:
        assert s.get(Issue, exact["id"]).enterprise_id is None
    result = runner.invoke(args=["enterprises", "link"])
    assert "已关联 1 件" in result.output and "未匹配 1 件" in result.output
    with Session(engine) as s:
        linked = s.get(Issue, exact["id"])
        assert linked.enterprise_id is not None and s.get(Issue, near["id"]).enterprise_id is None
        events = s.execute(select(IssueEvent.action, IssueEvent.data).where(IssueEvent.issue_id == exact["id"])
                           ).all()
        assert ("edit", {"fields": ["enterprise_id"], "enterprise_id": linked.enterprise_id}) in events
        again = link_existing_issues(s, None, linked.updated_at, dry_run=True)
        assert again.linked == [] and again.unmatched == [(near["code"], "秦岭绿源农业科技公司")]


def test_the_ledger_carries_the_enterprise_code_hidden_when_masked(api):
    from openpyxl import load_workbook
    row = enterprise(api)
    api.create_issue(enterprise_id=row["id"])
    year = api.ok("GET", "/api/v1/issues", "coordinator")["items"][0]["created_at"][:4]

    def column(masked: bool) -> list:
        resp = api.get(f"/api/v1/exports/ledger.xlsx?from={year}-01-01&to={year}-12-31&masked={str(masked).lower()}",
                       "coordinator")
        assert resp.status_code == 200
        rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
        header = next(r for r in rows if r and "编号" in r)
        at = header.index("统一社会信用代码")
        return [r[at] for r in rows[rows.index(header) + 1:]]

    assert column(False) == [VALID_CODES[0]]
    assert column(True) == [None]


def test_an_enterprise_contacts_and_code_reach_no_public_answer(api, client):
    from ..disclosure.test_public_privacy import everything_public
    from ..public_helpers import published
    # a contact, an envoy and a code no page of the site uses, so that a hit is a leak
    row = enterprise(api, name="骁璟鑫瑞农业科技有限公司", credit_code=VALID_CODES[3], contact_name="欧阳翊琰",
                     contact_phone="13698765432", envoy_name="司马昕珩", envoy_phone="13598761234")
    issue = published(api, enterprise_id=row["id"], reporter={**REPORTER, "org": None})
    secrets = ["骁璟鑫瑞", "欧阳翊琰", "翊琰", "13698765432", "司马昕珩", "13598761234", VALID_CODES[3]]
    bodies = everything_public(client, [issue["code"]], secrets)
    assert issue["code"] in bodies[f"/issues/{issue['code']} "]
    leaks = [(path, s) for path, body in bodies.items() for s in secrets if s in body]
    assert not leaks, leaks[:5]
