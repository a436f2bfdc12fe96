"""The JSON API (/api/v1) with its OpenAPI document and browsable docs."""
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, send_from_directory
from flask_smorest import Api

from ..errors import http_error
from ..schemas.common import ErrorEnvelope
from . import (
    admin,
    auth,
    bulk,
    contest,
    directory,
    disclosure,
    enterprises,
    issues,
    leader_reports,
    ledger,
    meetings,
    notices,
    notifications,
    public,
    ratings,
    recheck,
    stats,
)

# Each module owns its flask-smorest blueprint (`blp`); in this order in the OpenAPI document.
ROUTES = (auth, directory, meetings, issues, notifications, notices, public, admin, stats, contest, ledger, enterprises,
          leader_reports, disclosure, recheck, ratings, bulk)
SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"


class EnvelopeApi(Api):
    """flask-smorest, answering and documenting its errors in the project's error envelope."""

    ERROR_SCHEMA = ErrorEnvelope

    def handle_http_exception(self, error):
        return http_error(error)


def register(app: Flask) -> Api:
    app.config.update({
        "API_TITLE": "营商环境问题督办系统 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
        "OPENAPI_SWAGGER_UI_CONFIG": {"supportedSubmitMethods": ["get", "post", "patch", "put", "delete"]},
    })
    api = EnvelopeApi(app, spec_kwargs={
        "info": {"description": "问题收集 → 会议交办 → 督办推进 → 办理回复 → 公开公示"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    })

    assets = Blueprint("swagger_assets", __name__)

    @assets.get("/api/docs/assets/<path:filename>")
    def swagger_asset(filename: str):
        return send_from_directory(SWAGGER_DIST, filename, max_age=86400)

    app.register_blueprint(assets)

    for module in ROUTES:
        api.register_blueprint(module.blp)
    return api
