"""Property-based fuzzing of the JSON API with schemathesis, in-process (WSGI), against the
OpenAPI document the service publishes at /api/openapi.json.

    .venv/bin/python -m faults.fuzz_api [--url sqlite:///...|postgresql://...] [--examples 100] [--scenarios 200]

Two passes, each with bearer tokens of real users (an administrator for /admin, /users and
writes to /departments; the county office's coordinator elsewhere):

1. every operation on its own, `--examples` generated requests each (valid and invalid data);
2. stateful: sequences of calls chained through the OpenAPI links schemathesis infers
   (create an issue, then read, patch or act on it...), `--scenarios` sequences.

Every response must be free of server errors (no 5xx) and conform to the document: status
code documented, content type, and body valid against the response schema. Without --url it
runs on a fresh SQLite file with a small demo county. tests/security/test_api_fuzz.py runs a short
version of both passes on both databases.
"""
import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ADMIN_PATHS = ("/api/v1/admin", "/api/v1/users")


@dataclass
class Tally:
    """What one run saw: requests by status class, and the failures found (one per kind)."""

    requests: int = 0
    scenarios: int = 0
    restarts: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)

    def record(self, case, response, error: Exception | None) -> None:
        self.requests += 1
        self.statuses[f"{response.status_code // 100}xx"] += 1
        if error is not None:
            key = (case.method, case.path, type(error).__name__, str(error)[:300])
            self.failures.setdefault(key, f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                              f"{str(error)[:1200]}")

    @property
    def server_errors(self) -> int:
        return self.statuses["5xx"]

    def summary(self) -> str:
        classes = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        chains = f", {self.scenarios} call chains, {self.restarts} restarts" if self.scenarios else ""
        return f"{self.requests} requests ({classes}){chains}; {len(self.failures)} distinct failures"


def token_for(tokens: dict[str, str], method: str, path: str) -> str:
    admin = path.startswith(ADMIN_PATHS) or (path.startswith("/api/v1/departments") and method != "GET")
    return tokens["admin" if admin else "coordinator"]


def _settings(examples: int, derandomize: bool = True, **kw) -> hypothesis.settings:
    return hypothesis.settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize,
                               suppress_health_check=list(HealthCheck),
                               phases=[Phase.explicit, Phase.generate], **kw)


def load_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def fuzz_operations(app, tokens: dict[str, str], examples: int) -> Tally:
    """Each operation on its own, `examples` requests each."""
    tally = Tally()
    schema = load_schema(app)
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.given(case=operation.as_strategy())
        @_settings(examples)
        def run(case):
            headers = {"Authorization": f"Bearer {token_for(tokens, case.method, case.path)}"}
            response = case.call(headers=headers)
            error = None
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (FailureGroup, Exception) as exc:  # a failed check: counted, reported after the run
                error = exc
            tally.record(case, response, error)

        run()
    return tally


def fuzz_stateful(app, tokens: dict[str, str], scenarios: int, steps: int = 8) -> Tally:
    """Chains of calls linked by the inferred OpenAPI links, `scenarios` chains in all.

    Hypothesis expects the same choices to lead to the same calls; here every chain changes
    the database the next one meets, so now and then it gives up a run as "flaky" (a property
    of the harness, not a finding about the API): the run is then restarted until enough
    chains have run, and the restarts are counted."""
    tally = Tally()
    schema = load_schema(app)
    base = schema.as_state_machine()

    class Workflow(base):
        def setup(self):
            tally.scenarios += 1

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token_for(tokens, case.method, case.path)}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            error = None
            try:
                case.validate_response(response, checks=CHECKS, headers=kwargs.get("headers"))
            except (FailureGroup, Exception) as exc:
                error = exc
            tally.record(case, response, error)

    while tally.scenarios < scenarios and tally.restarts < 100:
        try:
            Workflow.run(settings=_settings(scenarios - tally.scenarios, stateful_step_count=steps,
                                            derandomize=False))
        except (hypothesis.errors.Flaky, hypothesis.errors.FlakyStrategyDefinition):
            tally.restarts += 1
    return tally


def prepare(url: str | None, issues: int = 30):
    """An app on `url` (a fresh SQLite file when None) with a demo county and two tokens."""
    from sqlmodel import Session, select

    import demo
    from app import create_app
    from models import User
    from service.core.db import make_engine
    from service.core.migrate import upgrade
    from service.identity.sessions import issue_token

    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'fuzz.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        if not demo.has_data(session):
            demo.seed(session, now, issue_count=issues)
        tokens = {}
        for username in ("admin", "yingshang"):
            user = session.exec(select(User).where(User.username == username)).one()
            tokens["admin" if username == "admin" else "coordinator"] = issue_token(session, user, now)[0]
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "fuzz", "TESTING": True,
                      "LOGIN_RATE_LIMIT": "100000 per minute", "TRACK_RATE_LIMIT": "100000 per minute"})
    return app, tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--examples", type=int, default=100, help="requests per operation")
    parser.add_argument("--scenarios", type=int, default=200, help="stateful call sequences")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)  # one access log line per request would drown the result
    app, tokens = prepare(args.url)
    ok = True
    for name, run in (("operations", lambda: fuzz_operations(app, tokens, args.examples)),
                      ("stateful", lambda: fuzz_stateful(app, tokens, args.scenarios))):
        tally = run()
        print(f"{name}: {tally.summary()}")
        for text in tally.failures.values():
            print("  FAIL", text)
        ok = ok and not tally.failures and not tally.server_errors
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
