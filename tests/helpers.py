"""Helpers to call the API as a given user and to walk an issue to a given state."""
from datetime import datetime, timedelta, timezone

from service.deadlines.calendar import local_date

REPORTER = {"name": "王建国", "org": "秦岭绿源农业科技有限公司", "phone": "13812345678",
            "kind": "enterprise", "consent_public": False}


class ApiClient:
    def __init__(self, client, county):
        self.client, self.county = client, county

    def call(self, method: str, path: str, who: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.county.tokens[who]}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, who=None, **kw):
        return self.call("GET", path, who, **kw)

    def post(self, path, who=None, **kw):
        return self.call("POST", path, who, **kw)

    def patch(self, path, who=None, **kw):
        return self.call("PATCH", path, who, **kw)

    def ok(self, method: str, path: str, who: str | None = None, status: int = 200, **kw) -> dict:
        resp = self.call(method, path, who, **kw)
        assert resp.status_code == status, (resp.status_code, resp.get_json())
        return resp.get_json()

    def act(self, issue_id: int, action: str, who: str, body: dict | None = None):
        return self.post(f"/api/v1/issues/{issue_id}/actions/{action}", who, json=body or {})

    # --- building issues ---------------------------------------------------------------

    def create_issue(self, who: str = "operator", **fields) -> dict:
        body = {"title": "园区道路破损影响货车通行", "content": "工业园区东路路面塌陷，货车绕行增加成本，请协调修复。",
                "channel": "hotline", "type": "help", "category": "基础设施",
                "township": "城关镇", "reporter": dict(REPORTER)}
        body.update(fields)
        return self.ok("POST", "/api/v1/issues", who, status=201, json=body)

    def assign_body(self, **over) -> dict:
        body = {"lead_department_id": self.county.dept_id("fgj"),
                "co_department_ids": [self.county.dept_id("zrj")],
                "lead_leader_id": self.county.user_id("leader"),
                "responsible_person": "李明", "responsible_phone": "13700001111",
                "note": "请尽快办理"}
        body.update(over)
        return body


def future(days: int) -> str:
    """A date `days` after today in the county's time zone."""
    return (local_date(datetime.now(timezone.utc)) + timedelta(days=days)).isoformat()


# 整改评估 of a closed issue, which publishing requires.
EVALUATE = ("evaluate", "coordinator", {"verdict": "resolved", "evidence": "现场核实已整改到位"})


# Steps that walk a fresh issue to each state: (action, who, body).
def path_to(state: str, api: ApiClient) -> list[tuple[str, str, dict]]:
    assign = ("assign", "coordinator", api.assign_body())
    accept = ("accept", "fgj", {"note": "已签收"})
    reply = ("reply", "fgj", {"result": "已完成路面修复，货车恢复通行。"})
    visit = ("visit", "coordinator", {"satisfaction": "satisfied", "note": "企业表示满意"})
    paths = {
        "collected": [],
        "assigned": [assign],
        "in_progress": [assign, accept],
        "suspended": [assign, accept, ("suspend", "coordinator",
                                       {"reason": "需省级审批", "review_on": future(30)})],
        "escalated": [assign, accept, ("escalate", "coordinator", {
            "level": "province", "agency": "省自然资源厅", "document_no": "某政〔2026〕12号",
            "sent_on": future(0), "reason": "用地指标需省级审批", "review_on": future(30)})],
        "replied": [assign, accept, reply],
        "closed": [assign, accept, reply, visit],
        "published": [assign, accept, reply, visit, EVALUATE,
                      ("publish", "coordinator", {"public_summary": "园区东路已修复。"})],
        "rejected": [("reject", "coordinator", {"reason": "out_of_scope", "note": "不属于本县职权"})],
    }
    return paths[state]


def issue_in(api: ApiClient, state: str, **fields) -> dict:
    issue = api.create_issue(**fields)
    for action, who, body in path_to(state, api):
        resp = api.act(issue["id"], action, who, body)
        assert resp.status_code == 200, (action, resp.get_json())
        issue = resp.get_json()
    assert issue["status"] == state
    return issue
