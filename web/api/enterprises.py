"""企业库, townships, 包保 leaders and month-end visits."""
import io

from flask import request, send_file
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from models import ENTERPRISE_SCALE_LABELS, Enterprise, User
from models.permissions import Permission
from service.core.errors import Invalid
from service.core.xlsx import XLSX_MIMETYPE
from service.enterprises import dashboard as leader_home
from service.enterprises import importer, leaders, registry, townships, visits
from service.enterprises.access import require_manager
from service.enterprises.registry import EnterpriseIssue
from service.identity import permissions as access

from ..context import calendar, current_user, db, now, today, workflow_options
from ..schemas.enterprises import (
    CallerArgs,
    CallerOut,
    DashboardOut,
    EnterpriseArgs,
    EnterpriseIn,
    EnterpriseList,
    EnterpriseOut,
    EnterprisePageOut,
    EnterprisePatch,
    ImportOut,
    InvitedList,
    LeaderEnterprisesOut,
    TownshipArgs,
    TownshipIn,
    TownshipList,
    TownshipOut,
    TownshipPatch,
    VisitArgs,
    VisitIn,
    VisitListOut,
    VisitOut,
)
from .ledger import UPLOAD_BODY, _flag

blp = Blueprint("enterprises", __name__, url_prefix="/api/v1",
                description="企业库、乡镇（街道）名单、包保县级领导与县长月末回访")


def person(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.display_name} if user is not None else None


def enterprise_dicts(rows: list[Enterprise]) -> list[dict]:
    ids = [e.id for e in rows]
    leaders_by = registry.leaders_of(db(), ids)
    counts = registry.count_issues(db(), ids)
    return [{**{k: getattr(e, k) for k in registry.FIELDS}, "id": e.id,
             "scale_label": ENTERPRISE_SCALE_LABELS.get(e.scale, e.scale),
             "leaders": [person(u) for u in leaders_by[e.id]],
             "issue_count": counts[e.id][0], "open_count": counts[e.id][1]} for e in rows]


def issue_row(entry: EnterpriseIssue) -> dict:
    i = entry.issue
    return {"id": i.id, "code": i.code, "title": i.title, "year": i.year, "status": i.status, "flag": entry.flag,
            "satisfaction": i.satisfaction, "created_at": i.created_at}


@blp.get("/enterprises")
@blp.arguments(EnterpriseArgs, location="query")
@blp.response(200, EnterpriseList)
def list_enterprises(args):
    """企业库：按名称的一部分或信用代码开头查找（登记问题时的联想输入）；县级领导只查到包保的企业"""
    rows = registry.search(db(), current_user(), args["q"], limit=args["limit"], offset=args["offset"])
    return {"items": enterprise_dicts(rows)}


@blp.post("/enterprises")
@blp.arguments(EnterpriseIn)
@blp.response(201, EnterpriseOut)
def add_enterprise(body):
    """登记企业（县营商办、话务员；包保领导只由县营商办确定）。信用代码校验位不对时 422 并指明字段"""
    row = registry.add_enterprise(db(), current_user(), body, now())
    return enterprise_dicts([row])[0]


@blp.get("/enterprises/caller")
@blp.arguments(CallerArgs, location="query")
@blp.response(200, CallerOut)
def known_caller(args):
    """来电人：企业库中的联系人或以前反映过问题的来电人，带出姓名和单位（登记问题的角色）"""
    access.require(current_user(), Permission.ISSUE_CREATE)
    found = registry.known_caller(db(), args["phone"])
    if found is None:
        return {"known": False, "name": None, "org": None, "enterprise": None}
    return {"known": True, "name": found.name, "org": found.org,
            "enterprise": enterprise_dicts([found.enterprise])[0] if found.enterprise else None}


@blp.get("/enterprises/<id:enterprise_id>")
@blp.response(200, EnterprisePageOut)
def enterprise_page(enterprise_id: int):
    """一家企业：历年反映的全部问题、在办问题、督办颜色、满意度（县级领导只看包保的企业）"""
    page = registry.enterprise_page(db(), current_user(), enterprise_id, today=today(), calendar=calendar())
    return {"enterprise": enterprise_dicts([page.enterprise])[0], "issues": [issue_row(r) for r in page.issues],
            "open_count": page.open_count, "flags": page.flags, "satisfaction": page.satisfaction,
            "by_year": {str(k): v for k, v in page.by_year.items()}}


@blp.patch("/enterprises/<id:enterprise_id>")
@blp.arguments(EnterprisePatch)
@blp.response(200, EnterpriseOut)
def update_enterprise(body, enterprise_id: int):
    """修改企业信息（县营商办、话务员；包保领导只由县营商办确定）"""
    return enterprise_dicts([registry.update_enterprise(db(), current_user(), enterprise_id, body, now())])[0]


@blp.post("/imports/enterprises")
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(200, ImportOut)
@blp.alt_response(422, description="the file cannot be read, or rows were refused (nothing imported)")
def import_enterprises():
    """导入企业名单（multipart：`file` 为 .xlsx，`dry_run=true` 只检查不写入）；全部或全不"""
    user = current_user()
    require_manager(user)
    request.max_content_length = importer.MAX_FILE_SIZE + 64 * 1024
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise Invalid("文件超过 10 MB，请拆分后分批导入", {"file": "文件超过 10 MB"}) from None
    dry_run = _flag("dry_run")
    if upload is None or not upload.filename:
        raise Invalid("请上传企业名单文件（字段 file）", {"file": "必填"})
    report = importer.import_enterprises(db(), upload.stream, user, now(), dry_run)
    if report.refused and not dry_run:
        first = report.refused[0]
        raise Invalid(f"有{len(report.refused)}行不能导入，未导入任何企业：第{first['row']}行 {first['reason']}",
                      {"file": f"第{first['row']}行：{first['reason']}"}, code="rows_refused")
    return report.as_dict()


@blp.get("/townships")
@blp.arguments(TownshipArgs, location="query")
@blp.response(200, TownshipList)
def list_townships(args):
    """乡镇（街道）名单（登记问题时选择）"""
    current_user()
    return {"items": townships.list_townships(db(), active_only=not args["all"])}


@blp.post("/townships")
@blp.arguments(TownshipIn)
@blp.response(201, TownshipOut)
def add_township(body):
    """添加乡镇（街道）（县营商办、系统管理员）"""
    return townships.add_township(db(), current_user(), body)


@blp.patch("/townships/<id:township_id>")
@blp.arguments(TownshipPatch)
@blp.response(200, TownshipOut)
def update_township(body, township_id: int):
    """改名、排序、停用或恢复一个乡镇（街道）（县营商办、系统管理员）"""
    return townships.update_township(db(), current_user(), township_id, body)


@blp.get("/leaders/<id:leader_id>/enterprises")
@blp.response(200, LeaderEnterprisesOut)
def leader_enterprises(leader_id: int):
    """县级领导包保的企业及各企业的问题（领导本人、县营商办、县委督查办）"""
    page = leaders.leader_enterprises(db(), current_user(), leader_id, today=today(), calendar=calendar())
    dicts = enterprise_dicts([e.enterprise for e in page.enterprises])
    return {"leader": person(page.leader),
            "enterprises": [{"enterprise": d, "open_count": e.open_count, "issues": [issue_row(r) for r in e.issues]}
                            for d, e in zip(dicts, page.enterprises, strict=True)]}


@blp.get("/leaders/<id:leader_id>/ledger.xlsx")
@blp.response(200, content_type=XLSX_MIMETYPE, description="the .xlsx workbook")
def leader_ledger(leader_id: int):
    """县级领导的“双包一解”问题台账（Excel）"""
    name, content = leaders.leader_ledger_xlsx(db(), current_user(), leader_id, today=today(),
                                               calendar=calendar(), now=now())
    return send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name,
                     max_age=0)


def visit_dict(visit, leader: User, recorded_by: User | None) -> dict:
    return {"id": visit.id, "satisfaction": visit.satisfaction, "note": visit.note, "at": visit.at,
            "on_behalf": visit.on_behalf, "leader": person(leader), "recorded_by": person(recorded_by)}


def visit_rows(rows: list[visits.VisitRow], leader: User) -> list[dict]:
    out = []
    for r in rows:
        i = r.issue
        recorded = None
        if r.visit is not None:
            recorded = db().get(User, r.visit.recorded_by_id)
        out.append({"issue": issue_row(EnterpriseIssue(i, None)), "reporter_name": i.reporter_name,
                    "reporter_org": i.reporter_org, "reporter_phone": i.reporter_phone, "hosted": r.hosted,
                    "visit": visit_dict(r.visit, leader, recorded) if r.visit else None})
    return out


@blp.get("/leaders/<id:leader_id>/visits")
@blp.arguments(VisitArgs, location="query")
@blp.response(200, VisitListOut)
def visit_list(args, leader_id: int):
    """县长月末回访名单：领导主持的会议和主抓的问题中本月答复或办结的，含反映人联系方式（领导本人、县营商办、县委督查办）"""
    page = visits.visit_list(db(), current_user(), leader_id, now(), args["month"])
    return {"leader": person(page.leader), "month": page.month, "due_count": len(page.due),
            "rows": visit_rows(page.rows, page.leader)}


@blp.post("/issues/<id:issue_id>/leader-visit")
@blp.arguments(VisitIn)
@blp.response(201, VisitOut)
def record_visit(body, issue_id: int):
    """记录县长月末回访：领导本人记录，或县营商办代为记录（leader_id 必填，记为“代为记录”并保留双方姓名）。
    领导主抓且待回访（已答复）的问题，随之完成回访（满意即办结，不满意转重办）"""
    user = current_user()
    visit = visits.record_visit(db(), user, issue_id, body, now(), workflow_options())
    return visit_dict(visit, db().get(User, visit.leader_id), user)


@blp.get("/meetings/<id:meeting_id>/enterprises")
@blp.response(200, InvitedList)
def invited_enterprises(meeting_id: int):
    """会前准备：参会企业（与企业库同名的参会单位）及其在办问题（县营商办、县委督查办）"""
    rows = leaders.invited_enterprises(db(), current_user(), meeting_id, today=today(), calendar=calendar())
    dicts = enterprise_dicts([r.enterprise for r in rows])
    return {"items": [{"enterprise": d, "open_issues": [issue_row(i) for i in r.open_issues]}
                      for d, r in zip(dicts, rows, strict=True)]}


@blp.get("/leaders/me/dashboard")
@blp.response(200, DashboardOut)
def dashboard():
    """县级领导首页：红黄牌问题、待回访、包保企业、未读报告"""
    home = leader_home.leader_dashboard(db(), current_user(), now=now(), today=today(), calendar=calendar())
    return {"leader": person(home.leader), "red": [issue_row(r) for r in home.red],
            "yellow": [issue_row(r) for r in home.yellow], "visits_due": visit_rows(home.visits_due, home.leader),
            "enterprises": enterprise_dicts(home.enterprises), "reports": home.reports}
