"""Who may do what with enterprises, townships, 包保 and month-end visits: every role check
of this package, in one place."""
from models import Role, User
from service.core.errors import Forbidden, NotFound

# Read the enterprise register and any enterprise's page.
READ_ALL_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.OPERATOR, Role.SUPERVISOR})
# Create enterprises (the operator inline at intake) and correct them.
WRITE_ROLES = frozenset({Role.COORDINATOR, Role.OPERATOR})
# Set an enterprise's 包保 leaders and 帮扶特派员, import the register, link old issues.
MANAGE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Maintain the township list.
TOWNSHIP_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Record a month-end visit on a leader's behalf (代为记录).
ON_BEHALF_ROLES = frozenset({Role.COORDINATOR})
# Read a meeting's invited enterprises and their open issues (the meeting desk's readers).
ATTENDEE_READ_ROLES = frozenset({Role.COORDINATOR, Role.SUPERVISOR})
# Read any leader's 包保 page, visit list and 双包一解 ledger (leaders read only their own).
LEADER_PAGES_ROLES = frozenset({Role.COORDINATOR, Role.SUPERVISOR})


def may_read_all(actor: User) -> bool:
    return actor.role in READ_ALL_ROLES


def require_reader(actor: User) -> None:
    """The enterprise list: readers of the register and leaders (their own enterprises)."""
    if actor.role not in READ_ALL_ROLES and actor.role != Role.LEADER:
        raise Forbidden("您的角色不能查看企业库")


def enterprise_not_found() -> NotFound:
    return NotFound("企业不存在或您无权查看", code="enterprise_not_found")


def require_writer(actor: User) -> None:
    if actor.role not in WRITE_ROLES:
        raise Forbidden("您的角色不能登记或修改企业信息")


def require_manager(actor: User) -> None:
    if actor.role not in MANAGE_ROLES:
        raise Forbidden("只有县营商办和系统管理员可以管理企业库")


def require_township_admin(actor: User) -> None:
    if actor.role not in TOWNSHIP_ROLES:
        raise Forbidden("只有县营商办和系统管理员可以维护乡镇（街道）名单")


def leader_in_view(actor: User, leader_id: int) -> None:
    """A leader reads only their own pages; the office and the supervision office any leader's;
    everyone else is told the page does not exist."""
    if actor.role == Role.LEADER and actor.id == leader_id:
        return
    if actor.role in LEADER_PAGES_ROLES:
        return
    raise NotFound("县级领导不存在或您无权查看", code="leader_not_found")
