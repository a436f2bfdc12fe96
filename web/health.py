from flask import Blueprint, jsonify
from sqlalchemy import text

from .context import state
from .errors import envelope

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@blp.get("/readyz")
def readyz():
    try:
        with state()["engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        return envelope(503, "database_unavailable", f"数据库不可用：{exc.__class__.__name__}")
    return jsonify({"status": "ready"})
