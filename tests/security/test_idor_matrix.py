"""The IDOR matrix (faults/idor_matrix.py) in its bounded form, on each database: every role ×
every route that names an object × an object the role must not reach answers a refusal, shows
none of the object's data, changes nothing, and no such route is left out of the matrix."""
from faults import idor_matrix


def test_no_role_reaches_an_object_it_must_not(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    monkeypatch.setitem(app.config, "LEDGER_UPLOADS_DIR", str(tmp_path / "uploads"))
    world = idor_matrix.build_world(app, tmp_path / "attachments")
    report = idor_matrix.run(app, world)
    assert report["uncovered_routes"] == [], "\n".join(report["uncovered_routes"])
    assert report["problems"] == []
    assert (report["server_errors"], report["cross_reads"], report["rows_changed_by_refused"]) == (0, 0, 0)
    assert report["requests"] > 600
