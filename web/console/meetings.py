"""会议交办: meetings and assigning their issues."""
from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/meetings")
@login_required
def meetings():
    return render_template("console/placeholder.html", title="会议交办")
