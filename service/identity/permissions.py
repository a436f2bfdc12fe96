"""The one enforcer of the permission table (`models.permissions`): `may` asks, `require` refuses.

`actor` None is the command line and the scheduler, which act with every right, as they did
before there was a table. A refusal is 403 with the table's message unless the caller names
its own, or asks for 404 where a refusal would tell that something exists.
"""
from models import User
from models.permissions import PERMISSIONS, Permission, permissions_of
from service.core.errors import Forbidden, NotFound


def may(actor: User | None, permission: Permission) -> bool:
    return actor is None or actor.role in PERMISSIONS[permission].roles


def require(actor: User | None, permission: Permission, message: str | None = None, *,
            code: str | None = None, hide: bool = False) -> None:
    """Do nothing when `actor` holds `permission`; else raise Forbidden (NotFound with `hide`)."""
    if may(actor, permission):
        return
    error = NotFound if hide else Forbidden
    raise error(message or PERMISSIONS[permission].refusal, code=code)


def held(actor: User) -> frozenset[Permission]:
    """Every permission `actor` holds: what the console's menu offers is read from this."""
    return permissions_of(actor.role)
