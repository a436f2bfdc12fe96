"""督办: the supervision board and the office's queues."""
from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/board")
@login_required
def board():
    return render_template("console/placeholder.html", title="督办")
