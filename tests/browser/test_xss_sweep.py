"""The XSS sweep (faults/xss_sweep.py) in its bounded form: script payloads stored in every text
field, every page loaded in Chromium once as a role that may open it (and the public pages),
with the CSP on (it holds: present, no violation, no payload turned into markup) and with the
CSP off in the browser (no payload runs). It runs on SQLite only: no template or view renders
differently by database (see the module's docstring), so PostgreSQL would load the same markup."""
from faults import xss_sweep
from service.core.db import make_engine
from service.core.migrate import upgrade

from ..conftest import make_test_app


def test_no_stored_or_reflected_payload_runs_on_any_page(browser, tmp_path):
    url = f"sqlite:///{tmp_path / 'sweep.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = make_test_app(url, ATTACHMENTS_DIR=str(tmp_path / "attachments"))
    world = xss_sweep.build_world(app, tmp_path / "attachments")
    base, stop = xss_sweep.serve(app)
    try:
        report = xss_sweep.run(app, base, browser, world)
    finally:
        stop()
        app.extensions["ys"]["engine"].dispose()
    assert report["problems"] == []
    assert (report["payloads_executed"], report["markup_injected"], report["csp_violations"],
            report["pages_without_policy"]) == (0, 0, 0, 0)
    assert report["pages_loaded"] > 100 and report["pages_showing_a_payload"] > 40
