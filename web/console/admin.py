"""Administration: users, departments, categories, deadline policies."""
from flask import render_template
from flask_login import login_required

from . import bp


@bp.get("/admin/users")
@login_required
def admin_users():
    return render_template("console/placeholder.html", title="用户管理")
