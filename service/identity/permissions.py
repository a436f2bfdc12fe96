"""The one enforcer of the permission table (`models.permissions`): `may` asks, `require` refuses.

`actor` None is the command line and the scheduler, which act with every right, as they did
before there was a table. A refusal is 403 with the table's message unless the caller names its
own. Where a refusal would tell that something exists (another department's issue or report
card), the caller answers 404 by its scope rule, after the permission.
"""
from models import User
from models.permissions import PERMISSIONS, Permission
from service.core.errors import Forbidden


def may(actor: User | None, permission: Permission) -> bool:
    return actor is None or actor.role in PERMISSIONS[permission].roles


def require(actor: User | None, permission: Permission, message: str | None = None, *,
            code: str | None = None) -> None:
    """Do nothing when `actor` holds `permission`; else raise Forbidden."""
    if not may(actor, permission):
        raise Forbidden(message or PERMISSIONS[permission].refusal, code=code)
