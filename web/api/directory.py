from flask_smorest import Blueprint

from models.permissions import Permission
from service.identity import directory
from service.identity import permissions as access

from ..context import current_user, db
from ..schemas.directory import DepartmentList, DepartmentSchema, UserList, UserSchema

blp = Blueprint("directory", __name__, url_prefix="/api/v1", description="部门与用户")


@blp.get("/departments")
@blp.response(200, DepartmentList)
def departments():
    """部门列表（工作人员可读）"""
    current_user()
    return {"items": directory.list_departments(db())}


@blp.post("/departments")
@blp.arguments(DepartmentSchema)
@blp.response(201, DepartmentSchema)
def create_department(body):
    """新增部门（系统管理员）"""
    return directory.create_department(db(), current_user(), body["code"], body["name"],
                                       body.get("contact_phone"))


@blp.get("/users")
@blp.response(200, UserList)
def users():
    """用户列表（系统管理员）"""
    access.require(current_user(), Permission.DIRECTORY_MANAGE, "您的角色无权进行此操作")
    return {"items": directory.list_users(db())}


@blp.post("/users")
@blp.arguments(UserSchema)
@blp.response(201, UserSchema)
def create_user(body):
    """新增用户（系统管理员）"""
    return directory.create_user(db(), current_user(), **body)
