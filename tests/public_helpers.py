"""Building published, unpublished and withheld issues through the API, and filling the public
site's forms (CSRF token, challenge) as a browser would."""
import re

from .helpers import EVALUATE, REPORTER


def walk(api, issue: dict, steps) -> dict:
    for action, who, body in steps:
        resp = api.act(issue["id"], action, who, body)
        assert resp.status_code == 200, (action, resp.get_json())
        issue = resp.get_json()
    return issue


def closed(api, *, result: str = "已完成路面修复，货车恢复通行。", satisfaction: str = "satisfied",
           visit_note: str = "企业表示满意", lead: str = "fgj", **fields) -> dict:
    fields.setdefault("reporter", dict(REPORTER))
    issue = api.create_issue(**fields)
    return walk(api, issue, [
        ("assign", "coordinator", api.assign_body(
            lead_department_id=api.county.dept_id(lead),
            co_department_ids=[api.county.dept_id(c) for c in ("zrj",) if c != lead])),
        ("accept", lead, {"note": "已签收"}),
        ("reply", lead, {"result": result}),
        ("visit", "coordinator", {"satisfaction": satisfaction, "note": visit_note}),
    ])


def published(api, *, summary: str = "园区东路已修复，货车恢复通行。", public_title: str | None = None,
              **fields) -> dict:
    issue = closed(api, **fields)
    body = {"public_summary": summary}
    if public_title:
        body["public_title"] = public_title
    return walk(api, issue, [EVALUATE, ("publish", "coordinator", body)])


def withheld(api, *, reason: str = "涉及企业商业秘密", **fields) -> dict:
    return walk(api, closed(api, **fields), [("withhold", "coordinator", {"reason": reason})])


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def challenge_answer(html: str) -> str:
    a, b = re.search(r"(\d+) \+ (\d+) = \?", html).groups()
    return str(int(a) + int(b))


def track_form(client, code: str, last4: str):
    page = client.get("/track").get_data(as_text=True)
    return client.post("/track", data={"csrf_token": hidden_value(page, "csrf_token"), "code": code,
                                       "phone_last4": last4})


SUBMISSION = {"title": "园区道路路灯不亮", "content": "工业园区纬二路路灯已经坏了两周，夜间货车进出很危险。",
              "category": "infrastructure", "type": "help", "township": "城关镇", "name": "刘晓燕",
              "org": "", "phone": "13912345678"}


def submit_form(client, answer: str | None = None, **fields):
    """Fill the public form as a person would: the page's CSRF token, challenge and its answer."""
    page = client.get("/submit").get_data(as_text=True)
    data = {**SUBMISSION, **fields, "csrf_token": hidden_value(page, "csrf_token"),
            "challenge": hidden_value(page, "challenge"),
            "answer": challenge_answer(page) if answer is None else answer}
    return client.post("/submit", data=data)
