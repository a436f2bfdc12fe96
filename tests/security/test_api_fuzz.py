"""Property-based fuzzing of the JSON API (schemathesis, in-process): every operation with
generated valid and invalid requests, then chains of calls through the OpenAPI links. No
response may be a server error or differ from the published document (status code, content
type, body schema). A short run per database; faults/fuzz_api.py runs a longer one."""
import logging

from faults.fuzz_api import fuzz_operations, fuzz_stateful

EXAMPLES = 12     # requests per operation (49 operations)
SCENARIOS = 25    # stateful call sequences, up to 8 calls each


def tokens(county) -> dict[str, str]:
    return {"admin": county.tokens["admin"], "coordinator": county.tokens["coordinator"]}


def seeded(api):
    """A few issues in several states, so reads and actions meet real rows."""
    issue = api.create_issue()
    api.ok("POST", f"/api/v1/issues/{issue['id']}/actions/assign", "coordinator", json=api.assign_body())
    api.create_issue(title="用电报装进度慢")


def test_every_operation_answers_as_documented(app, api, county):
    seeded(api)
    logging.disable(logging.INFO)
    try:
        tally = fuzz_operations(app, tokens(county), EXAMPLES)
    finally:
        logging.disable(logging.NOTSET)
    assert tally.requests >= 49 * 5
    assert tally.server_errors == 0
    assert list(tally.failures.values()) == []
    assert tally.statuses["2xx"] > 0 and tally.statuses["4xx"] > 0


def test_chains_of_calls_answer_as_documented(app, api, county):
    seeded(api)
    logging.disable(logging.INFO)
    try:
        tally = fuzz_stateful(app, tokens(county), SCENARIOS)
    finally:
        logging.disable(logging.NOTSET)
    assert tally.requests >= SCENARIOS
    assert tally.server_errors == 0
    assert list(tally.failures.values()) == []
