"""推荐主办单位: absent while the county's history is thin, present once it is not, and a
department that returned such an issue is suggested less."""
import re

import pytest
from sqlmodel import Session

from models import Issue
from service.matching.suggestions import MIN_SAMPLES, suggest_for

from ..console_client import logged_in, text

# Each department's own kind of problem, in a few wordings.
KINDS = {
    "fgj": ("项目备案变更办理慢", "重点项目未纳入县级项目库", "招商协议约定的投资奖励未兑现", "节能审查意见迟迟未出具"),
    "zrj": ("新建厂房缺少建设用地指标", "厂房不动产权证多年办不下来", "土地出让后迟迟不能交地", "规划条件调整审批慢"),
    "scj": ("食品生产许可证延续审查慢", "市场上有假冒我公司商标的产品", "特种设备检验不及时",
            "企业名称变更登记反复退回"),
}
CATEGORY = {"fgj": "政策兑现", "zrj": "用地保障", "scj": "市场秩序"}


def history(api, county, rounds: int) -> None:
    """`rounds` issues per department, each assigned to its department."""
    for dept, titles in KINDS.items():
        for k in range(rounds):
            title = titles[k % len(titles)]
            issue = api.create_issue(title=f"{title}（{k + 1}）", content=f"企业反映：{title}，请协调解决。",
                                     category=CATEGORY[dept])
            resp = api.act(issue["id"], "assign", "coordinator",
                           api.assign_body(lead_department_id=county.dept_id(dept), co_department_ids=[]))
            assert resp.status_code == 200, resp.get_json()


def train(app) -> str:
    result = app.test_cli_runner().invoke(args=["suggestions", "train"])
    assert result.exit_code == 0, result.output
    return result.output


def shares(engine, issue_id: int) -> dict[str, float]:
    with Session(engine) as session:
        found = suggest_for(session, [session.get(Issue, issue_id)])[issue_id]
        return {item.name: item.share for item in found.items}


@pytest.mark.both_db
def test_suggestions_wait_for_enough_history_then_show_the_likeliest_three(app, api, county, engine):
    history(api, county, 3)
    fresh = api.create_issue(title="新建厂房缺少用地指标", content="选址地块没有新增建设用地指标，报批无法启动。",
                             category="用地保障")
    assert "交办记录不足" in train(app)
    page = text(logged_in(app, "coordinator").get(f"/console/issues/{fresh['id']}"))
    assert "本县交办记录不足（可用9件，至少需要30件），暂不推荐主办单位。" in page and "suggest-pick" not in page

    history(api, county, MIN_SAMPLES // 3 + 1 - 3)
    assert "已用" in train(app)
    page = text(logged_in(app, "coordinator").get(f"/console/issues/{fresh['id']}"))
    picks = re.findall(r'suggest-pick" data-value="(\d+)"', page)
    assert len(picks) == 3 and picks[0] == str(county.dept_id("zrj"))
    assert "推荐主办单位：" in page and "退单率" in page and "暂不推荐" not in page
    # a department user never sees the assignment form, nor the suggestions
    assert "推荐主办单位" not in text(logged_in(app, "zrj").get(f"/console/issues/{fresh['id']}"))


@pytest.mark.both_db
def test_a_returned_assignment_lowers_that_departments_share(app, api, county, engine):
    history(api, county, 10)
    probe = api.create_issue(title="厂房建设用地指标不足", content="新建厂房选址地块缺少建设用地指标。",
                             category="用地保障")
    train(app)
    before = shares(engine, probe["id"])["县自然资源局"]
    # 县自然资源局 sends back an issue just like it
    like = api.create_issue(title="厂房建设用地指标不足", content="新建厂房选址地块缺少建设用地指标，请协调。",
                            category="用地保障")
    api.ok("POST", f"/api/v1/issues/{like['id']}/actions/assign", "coordinator",
           json=api.assign_body(lead_department_id=county.dept_id("zrj"), co_department_ids=[]))
    api.ok("POST", f"/api/v1/issues/{like['id']}/actions/return", "zrj", json={"reason": "不属于我局职责"})
    train(app)
    after = shares(engine, probe["id"])
    assert after["县自然资源局"] < before * 0.5, (before, after)
    # and its 退单率 for such issues shows the return
    page = text(logged_in(app, "coordinator").get(f"/console/issues/{probe['id']}"))
    assert re.search(r"县自然资源局 <span[^>]*>\d+%</span>\s*<span[^>]*>· 退单率 9%", page)
