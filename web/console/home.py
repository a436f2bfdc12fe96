"""Each role lands on its own page."""
from flask import redirect, url_for
from flask_login import login_required

from models import Role

from .blueprint import bp
from .session import staff

HOME_BY_ROLE = {
    Role.OPERATOR: "console.intake",
    Role.COORDINATOR: "console.meetings",
    Role.SUPERVISOR: "console.board",
    Role.DEPARTMENT: "console.inbox",
    Role.LEADER: "console.leader_home_page",
    Role.ADMIN: "console.admin_users",
}


@bp.get("/")
@login_required
def home():
    return redirect(url_for(HOME_BY_ROLE[staff().role]))
