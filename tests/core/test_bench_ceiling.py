"""The benchmark's floor under a creation (bench/ceiling.py, `POST /issue`) does what the service
does to the database: an issue with the next tracking code and its first event, for the
token's user, and nothing for a caller without a valid token."""
import pytest

from bench import ceiling

BODY = {"title": "园区道路破损影响物流", "content": "企业反映：园区道路破损影响物流，请相关部门协调解决。",
        "channel": "hotline", "type": "help", "township": "城关镇",
        "reporter": {"name": "王建国", "org": "秦岭绿源农业科技有限公司", "phone": "13812345678"}}


@pytest.fixture
def floor(database_url):
    app = ceiling.create_app(database_url)
    yield app.test_client()
    app.extensions["engine"].dispose()


def test_the_floor_logs_an_issue_as_the_service_would(api, floor):
    first = api.create_issue()
    answer = floor.post("/issue", json=BODY, headers={"Authorization": f"Bearer {api.county.tokens['operator']}"})
    assert answer.status_code == 201
    code = answer.get_json()["code"]
    assert code[:7] == first["code"][:7] and int(code[7:]) == int(first["code"][7:]) + 1
    issue = api.ok("GET", f"/api/v1/issues/{answer.get_json()['id']}", "coordinator")
    assert (issue["title"], issue["status"], issue["reporter"]["phone"]) == (BODY["title"], "collected", "13812345678")
    events = api.ok("GET", f"/api/v1/issues/{issue['id']}/events", "coordinator")["items"]
    assert [(e["action"], e["actor_name"]) for e in events] == [("create", "operator")]
    # the service goes on from the floor's number
    assert int(api.create_issue()["code"][7:]) == int(code[7:]) + 1


def test_the_floor_refuses_a_caller_without_a_valid_token(api, floor):
    assert floor.post("/issue", json=BODY, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert floor.post("/issue", json=BODY).status_code == 401
    assert api.ok("GET", "/api/v1/issues", "coordinator")["items"] == []
