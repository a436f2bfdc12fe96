"""承办: the department's inbox, the most urgent first."""
from flask import render_template, request
from flask_login import login_required

from service.assessment import contest
from service.workflow import queries as issues

from ..context import calendar, db, now, today
from .blueprint import bp
from .session import staff


@bp.get("/inbox")
@login_required
def inbox():
    # 我的 (?mine=1): the issues the user is the named handler of; 全部: the department's
    box = issues.department_inbox(db(), staff(), today=today(), calendar=calendar(),
                                  mine=request.args.get("mine") == "1")
    return render_template("console/inbox/index.html", box=box, red_flag=contest.red_flag(db(), now()))
