"""What the console's 新建企业 / 修改企业 form offers a user: the enterprise as stored, the
township list to pick from, and the 包保 leaders to choose among (only for the office, who
alone may set them). Saving goes through registry.add_enterprise / update_enterprise, as the
API's does."""
from dataclasses import dataclass, field

from sqlmodel import Session

from models import Enterprise, User
from service.identity.directory import list_leaders

from .access import may_manage, require_writer
from .registry import get_enterprise, leaders_of
from .townships import township_names


@dataclass
class EnterpriseForm:
    enterprise: Enterprise | None
    townships: list[str]                # active entries, and the one the enterprise has if retired
    may_set_leaders: bool
    leaders: list[User] = field(default_factory=list)         # the 包保 leaders on record
    leader_choices: list[User] = field(default_factory=list)  # active leaders, and any on record


def enterprise_form(session: Session, actor: User, enterprise_id: int | None = None) -> EnterpriseForm:
    require_writer(actor)
    row = get_enterprise(session, actor, enterprise_id) if enterprise_id is not None else None
    names = township_names(session)
    if row is not None and row.township and names and row.township not in names:
        names.append(row.township)
    on_record = leaders_of(session, [row.id])[row.id] if row is not None else []
    form = EnterpriseForm(row, names, may_manage(actor), on_record)
    if form.may_set_leaders:
        choices = list_leaders(session)
        known = {u.id for u in choices}
        form.leader_choices = choices + [u for u in on_record if u.id not in known]
    return form
