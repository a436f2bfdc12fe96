"""Issue list and the issue page: timeline, deadlines and the actions one may take now."""
from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/issues")
@login_required
def issue_list():
    return render_template("console/placeholder.html", title="问题")
