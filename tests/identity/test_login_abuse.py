"""Lock-out abuse (faults/login_abuse.py) in a bounded form, on each database: scripted guesses
at every account and at unknown ones, from many clients, through the form and the API, spread
over two application instances; afterwards every owner, the administrator with his code, logs
in from his own client."""
from faults import login_abuse

from ..conftest import make_test_app


def test_nobody_can_be_locked_out_of_his_own_account(app, database_url):
    # `app` has emptied the database; the two instances stand for two workers on it
    workers = [make_test_app(database_url, LOGIN_RATE_LIMIT="10 per minute") for _ in range(2)]
    try:
        login_abuse.prepare(workers[0])
        report = login_abuse.run(workers, attempts=160, clients=8)
    finally:
        for w in workers:
            w.extensions["ys"]["engine"].dispose()
    assert report["problems"] == []
    assert report["server_errors"] == 0 and report["owners_locked_out"] == []
    assert report["most_judged_per_client"] <= 10 * (report["seconds"] // 60 + 1)
    assert report["answers"].get("429 login_delayed", 0) > 0 and report["answers"]["429 too_many_requests"] > 0
