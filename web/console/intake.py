"""话务登记: hotline intake."""
from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/intake")
@login_required
def intake():
    return render_template("console/placeholder.html", title="话务登记")
