"""承办: the department's inbox."""
from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/inbox")
@login_required
def inbox():
    return render_template("console/placeholder.html", title="承办")
