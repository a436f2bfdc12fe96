"""The malformed-input corpus (faults/malformed_input.py) in its bounded form, on each database:
every write endpoint refuses every kind of bad value with a 4xx, never a 5xx, and no row of any
table changes; each endpoint's valid request is then accepted; no write route is left out."""
import pytest

from faults import malformed_input

# Runs on both databases: the same SQL may answer differently on each engine (dates, text, aggregates).
pytestmark = pytest.mark.both_db


def test_every_write_endpoint_refuses_malformed_input_and_changes_nothing(app, tmp_path, monkeypatch):
    for key, value in {**malformed_input.CONFIG, "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
                       "LEDGER_UPLOADS_DIR": str(tmp_path / "uploads")}.items():
        monkeypatch.setitem(app.config, key, value)
    world = malformed_input.build_world(app)
    report = malformed_input.run(app, world, quick=True)
    assert report["uncovered_routes"] == [], "\n".join(report["uncovered_routes"])
    assert report["problems"] == [], "\n".join(report["problems"])
    assert report["valid_requests_refused"] == []
    assert (report["server_errors"], report["bad_values_accepted"], report["rows_changed_by_refused"]) == (0, 0, 0)
    assert report["malformed_requests"] > 500
