"""Issue categories (问题类别): the list staff choose from, and the Open311 services."""
from sqlalchemy import select
from sqlmodel import Session

from models import Category, User
from models.permissions import Permission
from service.core.errors import Conflict, NotFound, require
from service.identity import permissions as access

# The county's starting list; administrators edit it.
DEFAULT_CATEGORIES = (
    ("approval", "行政审批", "审批时限、材料要求、审批流程"),
    ("licence", "证照办理", "营业执照、许可证、资质证书"),
    ("service", "政务服务", "窗口服务、办事体验、“办不成事”"),
    ("land", "用地保障", "用地指标、规划许可、不动产登记"),
    ("utilities", "水电气保障", "用电报装、供水、燃气接入"),
    ("infrastructure", "基础设施", "道路、管网、通信等公共设施"),
    ("transport", "交通物流", "物流通道、停车、运输"),
    ("parks", "园区配套", "园区设施、职工住房、生活配套"),
    ("payments", "账款拖欠", "政府部门、国企拖欠企业账款"),
    ("finance", "融资服务", "贷款、担保、抽贷断贷"),
    ("labour", "用工服务", "招工难、社保、技能培训"),
    ("tax", "税费政策", "税收优惠、减免、退税"),
    ("fees", "涉企收费", "乱收费、收费标准"),
    ("policy", "政策兑现", "奖补资金、扶持政策落实"),
    ("consult", "政策咨询", "政策解读、办事指引"),
    ("enforcement", "执法检查", "检查频次、处罚裁量"),
    ("market", "市场秩序", "不正当竞争、假冒伪劣"),
    ("security", "治安环境", "企业周边治安、阻工扰企"),
    ("environment", "环境保护", "环评、排污许可、整改"),
    ("industry", "产业发展", "产业链配套、项目落地"),
    ("trade", "商贸流通", "商贸、电商、展会"),
    ("other", "其他", None),
)


def list_categories(session: Session, *, include_inactive: bool = False) -> list[Category]:
    stmt = select(Category).order_by(Category.sort, Category.id)
    if not include_inactive:
        stmt = stmt.where(Category.active.is_(True))
    return list(session.execute(stmt).scalars())


def get_by_code(session: Session, code: str) -> Category:
    category = session.execute(select(Category).where(Category.code == code)).scalars().first()
    if category is None:
        raise NotFound("没有这个问题类别", code="category_not_found")
    return category


def _admin_only(actor: User | None) -> None:
    access.require(actor, Permission.CATEGORIES_MANAGE)


def save_category(session: Session, actor: User | None, *, code: str, name: str,
                  description: str | None = None, sort: int = 0, active: bool = True) -> Category:
    """Create the category `code`, or update it. Commits."""
    _admin_only(actor)
    code, name = code.strip(), name.strip()
    require({"code": "编码只能用字母、数字、- 和 _"} if not code.replace("-", "").replace("_", "").isalnum()
            or not code.isascii() else {})
    require({"name": "请填写名称"} if not name else {})
    category = session.execute(select(Category).where(Category.code == code)).scalars().first()
    clash = session.execute(select(Category).where(Category.name == name)).scalars().first()
    if clash is not None and clash is not category:
        raise Conflict(f"类别名称“{name}”已存在", {"name": "已存在"}, code="duplicate")
    category = category or Category(code=code, name=name)
    category.name, category.description, category.sort, category.active = name, description, sort, active
    session.add(category)
    session.commit()
    return category


def seed_defaults(session: Session) -> int:
    """Add the starting list where the table is empty. Commits."""
    if session.execute(select(Category.id).limit(1)).first():
        return 0
    session.add_all(Category(code=c, name=n, description=d, sort=i * 10)
                    for i, (c, n, d) in enumerate(DEFAULT_CATEGORIES))
    session.commit()
    return len(DEFAULT_CATEGORIES)
