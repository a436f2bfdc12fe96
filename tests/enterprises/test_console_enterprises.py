"""企业库 in the console: 新建企业 / 修改企业 (what each role may change, errors kept next to
their fields) and 导入企业名单 (a dry run that changes nothing, then all rows or none)."""
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session

from models import Enterprise, EnterpriseLeader

from ..console import Console
from .test_enterprises import VALID_CODES, WRONG_CHECK, enterprise, workbook

FORM = {"name": "宏达建材有限公司", "credit_code": VALID_CODES[1], "industry": "建材", "township": "",
        "scale": "above", "contact_name": "刘总", "contact_phone": "13812340000", "envoy_name": "",
        "envoy_phone": ""}


def stored(engine, name: str) -> Enterprise | None:
    with Session(engine) as s:
        return s.execute(select(Enterprise).where(Enterprise.name == name)).scalars().first()


def leader_ids(engine, enterprise_id: int) -> set[int]:
    with Session(engine) as s:
        return set(s.execute(select(EnterpriseLeader.leader_id)
                             .where(EnterpriseLeader.enterprise_id == enterprise_id)).scalars())


def test_an_operator_creates_an_enterprise_and_lands_on_its_page_with_a_notice(app, county, engine):
    operator = Console(app, "operator")
    assert 'id="new-enterprise"' in operator.text("/console/enterprises")
    form = operator.text("/console/enterprises/new")
    assert "统一社会信用代码" in form and 'name="leader_ids"' not in form
    resp = operator.post("/console/enterprises/new", FORM)
    row = stored(engine, "宏达建材有限公司")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/console/enterprises/{row.id}")
    page = operator.text(f"/console/enterprises/{row.id}")
    assert "已保存" in page and VALID_CODES[1] in page and "规上企业" in page
    assert (row.industry, row.contact_phone, row.scale) == ("建材", "13812340000", "above")


def test_a_wrong_check_digit_is_refused_and_everything_typed_stays_in_the_form(app, county, engine):
    operator = Console(app, "operator")
    resp = operator.post("/console/enterprises/new", {**FORM, "credit_code": WRONG_CHECK[1], "envoy_name": "赵特派"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    # the message sits under the credit code field, and what was typed is still there
    field = re.search(r'<input[^>]*id="f-credit_code".*?</div>\s*</div>', page, re.S).group(0)
    assert 'is-invalid' in field and "校验位" in field and f'value="{WRONG_CHECK[1]}"' in field
    for value in ("宏达建材有限公司", "建材", "刘总", "13812340000", "赵特派"):
        assert f'value="{value}"' in page
    assert re.search(r'<option value="above"\s+selected', page)
    assert stored(engine, "宏达建材有限公司") is None


def test_an_edit_changes_the_fields_and_an_emptied_name_is_refused_naming_it(api, app, county, engine):
    row = enterprise(api)
    operator = Console(app, "operator")
    detail = operator.text(f"/console/enterprises/{row['id']}")
    assert 'id="edit-enterprise"' in detail
    form = operator.text(f"/console/enterprises/{row['id']}/edit")
    assert 'value="秦岭绿源农业科技有限公司"' in form and 'value="王建国"' in form
    refused = operator.post(f"/console/enterprises/{row['id']}/edit", {**FORM, "name": "  "})
    assert refused.status_code == 422 and "is-invalid" in refused.get_data(as_text=True)
    assert stored(engine, "秦岭绿源农业科技有限公司").industry == "农业"
    saved = operator.post(f"/console/enterprises/{row['id']}/edit",
                          {**FORM, "name": "秦岭绿源农业科技有限公司", "credit_code": VALID_CODES[0],
                           "industry": "现代农业", "envoy_name": "钱特派", "envoy_phone": "13700003333"})
    assert saved.status_code == 302
    after = stored(engine, "秦岭绿源农业科技有限公司")
    assert (after.industry, after.envoy_name, after.scale) == ("现代农业", "钱特派", "above")
    assert "现代农业" in operator.text(f"/console/enterprises/{row['id']}")


def test_a_name_taken_by_another_enterprise_is_a_conflict_next_to_the_name(api, app, county):
    enterprise(api)
    resp = Console(app, "operator").post("/console/enterprises/new", {**FORM, "name": "秦岭绿源农业科技有限公司"})
    assert resp.status_code == 409
    field = re.search(r'<input[^>]*id="f-name".*?</div>\s*</div>', resp.get_data(as_text=True), re.S).group(0)
    assert "企业库中已有同名企业" in field


def test_only_the_office_sets_the_leaders(api, app, county, engine):
    row = enterprise(api)
    leader, leader2 = county.user_id("leader"), county.user_id("leader2")
    operator = Console(app, "operator")
    # an operator's form keeps the leaders as they are; a forged list is refused
    assert operator.post(f"/console/enterprises/{row['id']}/edit",
                         {**FORM, "leader_ids": str(leader)}).status_code == 403
    assert leader_ids(engine, row["id"]) == set()
    office = Console(app, "coordinator")
    form = office.text(f"/console/enterprises/{row['id']}/edit")
    assert f'name="leader_ids" value="{leader}"' in form and f'value="{leader2}"' in form
    body = {**FORM, "name": row["name"], "credit_code": row["credit_code"]}
    resp = office.client.post(f"/console/enterprises/{row['id']}/edit", data={
        **body, "leaders_shown": "1", "leader_ids": [str(leader), str(leader2)], "csrf_token": office.token()})
    assert resp.status_code == 302 and leader_ids(engine, row["id"]) == {leader, leader2}
    # the operator's edit of other fields leaves them in place
    assert operator.post(f"/console/enterprises/{row['id']}/edit", {**body, "industry": "林业"}).status_code == 302
    assert leader_ids(engine, row["id"]) == {leader, leader2}
    assert "leader、leader2" in operator.text(f"/console/enterprises/{row['id']}/edit")
    # unticking every box clears them
    assert office.post(f"/console/enterprises/{row['id']}/edit", {**body, "leaders_shown": "1"}).status_code == 302
    assert leader_ids(engine, row["id"]) == set()
    # a user who is no leader is refused next to the field
    refused = office.client.post(f"/console/enterprises/{row['id']}/edit", data={
        **body, "leaders_shown": "1", "leader_ids": [str(county.user_id("operator"))], "csrf_token": office.token()})
    assert refused.status_code == 422 and "不是在职的县级领导" in refused.get_data(as_text=True)


def test_other_roles_get_the_console_refusal(api, app, county, engine):
    row = enterprise(api)
    for who, status in (("fgj", 403), ("leader", 403), ("supervisor", 403)):
        user = Console(app, who)
        assert user.get("/console/enterprises/new").status_code == status, who
        assert user.get(f"/console/enterprises/{row['id']}/edit").status_code == status, who
        assert user.post(f"/console/enterprises/{row['id']}/edit", FORM).status_code == status, who
        assert user.get("/console/enterprises/import").status_code == 403, who
    assert stored(engine, "秦岭绿源农业科技有限公司").industry == "农业"
    supervisor = Console(app, "supervisor")
    assert "新建企业" not in supervisor.text("/console/enterprises")
    assert 'id="edit-enterprise"' not in supervisor.text(f"/console/enterprises/{row['id']}")
    operator = Console(app, "operator")
    assert "导入企业名单" not in operator.text("/console/enterprises")
    assert operator.get("/console/enterprises/import").status_code == 403
    assert operator.get("/console/enterprises/99999/edit").status_code == 404


def check(office: Console, content: bytes, name="企业名单.xlsx"):
    return office.post("/console/enterprises/import", {"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


GOOD = [["宏达建材有限公司", VALID_CODES[1], "建材", "规上", "刘总", "13812340000", "leader"],
        ["秦岭绿源农业科技有限公司", VALID_CODES[0], "农业", "中小微", "王建国", "13812345678", "leader、leader2"]]


def test_the_import_dry_run_lists_each_row_fault_and_changes_nothing(app, county, engine):
    office = Console(app, "coordinator")
    bad = GOOD + [["坏代码公司", WRONG_CHECK[2], "", "个体", "", "", "不存在的领导"]]
    resp = check(office, workbook(bad))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "整个文件未导入" in page and 'id="confirm-import"' not in page
    problems = re.search(r'<table class="[^"]*import-problems.*?</table>', page, re.S).group(0)
    rows = [re.sub(r"<[^>]+>", "|", r) for r in re.findall(r"<tr class=\"table-danger\">.*?</tr>", problems, re.S)]
    assert any("|5|" in r and "统一社会信用代码" in r and "校验位" in r for r in rows)
    assert any("|5|" in r and "包保县级领导" in r and "不存在的领导" in r for r in rows)
    with Session(engine) as s:
        assert s.execute(select(Enterprise)).first() is None


def test_a_confirmed_import_creates_the_rows_it_showed(app, county, engine):
    office = Console(app, "coordinator")
    resp = check(office, workbook(GOOD))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "将新建 2 家，更新 0 家" in page
    assert "宏达建材有限公司" in page and "新建" in page
    with Session(engine) as s:
        assert s.execute(select(Enterprise)).first() is None  # checking wrote nothing
    confirm = re.search(r'action="(/console/enterprises/import/[^"]+)"', page).group(1)
    done = office.post(confirm)
    assert done.status_code == 302
    assert "新建 2 家，更新 0 家" in office.text("/console/enterprises")
    assert stored(engine, "宏达建材有限公司").scale == "above"
    assert leader_ids(engine, stored(engine, "秦岭绿源农业科技有限公司").id) == {
        county.user_id("leader"), county.user_id("leader2")}
    # the kept file is gone: a second confirm imports nothing twice
    assert office.post(confirm).status_code == 410


def test_an_unreadable_or_oversized_upload_is_told_not_a_500(app, county):
    office = Console(app, "coordinator")
    resp = check(office, b"name,code\n", "list.csv")
    assert resp.status_code == 422 and "不是 Excel（.xlsx）文件" in resp.get_data(as_text=True)
    big = office.post("/console/enterprises/import",
                      {"file": (io.BytesIO(b"PK\x03\x04" + b"0" * (11 * 1024 * 1024)), "big.xlsx")},
                      content_type="multipart/form-data")
    assert big.status_code == 413 and "文件超过 10 MB" in big.get_data(as_text=True)
    none = office.post("/console/enterprises/import", {}, content_type="multipart/form-data")
    assert none.status_code == 422 and "请选择要导入的企业名单文件" in none.get_data(as_text=True)


def test_the_template_has_the_header_row_the_import_reads(app, county, engine):
    office = Console(app, "coordinator")
    resp = office.get("/console/enterprises/import/template.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["企业名称", "统一社会信用代码", "所属行业"] and "包保县级领导" in header
    ws.append(["模板企业有限公司", VALID_CODES[3]] + [None] * (len(header) - 2))
    out = io.BytesIO()
    ws.parent.save(out)
    page = check(office, out.getvalue()).get_data(as_text=True)
    assert "将新建 1 家" in page
