"""Who may do what with enterprises, townships, 包保 and month-end visits: the permission table
(models.permissions) asked through its enforcer, and this package's scope rules (a leader reads
only their own), in one place."""
from models import Role, User
from models.permissions import Permission
from service.core.errors import Forbidden, NotFound
from service.identity import permissions as access

P = Permission


def may_read_all(actor: User) -> bool:
    return access.may(actor, P.ENTERPRISE_READ)


def require_reader(actor: User) -> None:
    """The enterprise list: readers of the register and leaders (their own enterprises)."""
    if not (may_read_all(actor) or access.may(actor, P.LEADER_HOME)):
        access.require(actor, P.ENTERPRISE_READ)


def enterprise_not_found() -> NotFound:
    return NotFound("企业不存在或您无权查看", code="enterprise_not_found")


def require_writer(actor: User) -> None:
    access.require(actor, P.ENTERPRISE_WRITE)


def may_manage(actor: User) -> bool:
    return access.may(actor, P.ENTERPRISE_MANAGE)


def require_manager(actor: User) -> None:
    access.require(actor, P.ENTERPRISE_MANAGE)


def require_township_admin(actor: User) -> None:
    access.require(actor, P.TOWNSHIPS_MANAGE)


def may_record_on_behalf(actor: User) -> bool:
    return actor.role != Role.LEADER and access.may(actor, P.VISIT_ON_BEHALF)


def may_read_leader_pages(actor: User) -> bool:
    return access.may(actor, P.LEADER_PAGES)


def require_meeting_attendees(actor: User) -> None:
    """A meeting's invited enterprises: the readers of its attendee list; anyone else is told
    the meeting does not exist."""
    if not access.may(actor, P.MEETING_ATTENDEES):
        raise NotFound("会议不存在或您无权查看", code="meeting_not_found")


def require_leader_home(actor: User) -> None:
    if actor.role != Role.LEADER:
        raise Forbidden("这是县级领导的首页")
    access.require(actor, P.LEADER_HOME)


def own_leader_id(actor: User) -> int | None:
    """A county leader's own id: whose pages a leader always sees, whatever the address asks for;
    None for everyone else (they choose a leader)."""
    return actor.id if actor.role == Role.LEADER else None


def leader_in_view(actor: User, leader_id: int) -> None:
    """A leader reads only their own pages; the office and the supervision office any leader's;
    everyone else is told the page does not exist."""
    if actor.role == Role.LEADER and actor.id == leader_id and access.may(actor, P.LEADER_HOME):
        return
    if may_read_leader_pages(actor):
        return
    raise NotFound("县级领导不存在或您无权查看", code="leader_not_found")
