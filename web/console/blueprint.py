"""The console's blueprint, owned here so that each page module adds its routes to it and
web/console/__init__.py registers them with nothing imported at its bottom."""
from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console")
