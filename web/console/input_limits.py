"""The longest text each console input takes, read from the API schema of the same data: the
inputs say it as `maxlength`, so the console never offers more than the API keeps (and what goes
beyond it anyway is refused, naming the field, never cut)."""
from functools import cache

from markupsafe import Markup

from ..schemas.actions import ACTION_SCHEMAS
from ..schemas.admin import CalendarDayIn
from ..schemas.common import max_lengths
from ..schemas.directory import DepartmentSchema, UserSchema
from ..schemas.enterprises import TownshipIn

FORMS = {"department": DepartmentSchema, "user": UserSchema, "calendar_day": CalendarDayIn,
         "township": TownshipIn}
# Fields whose limit is a pattern's, not a length's: said here once.
PATTERN_LIMITS = {"department": {"code": 32}, "user": {"username": 64, "password": 256}}


@cache
def limits(form: str) -> dict[str, int]:
    """By field name, for a form of FORMS or a workflow step's form (`action:<step>`)."""
    schema = ACTION_SCHEMAS[form.removeprefix("action:")] if form.startswith("action:") else FORMS[form]
    return {**PATTERN_LIMITS.get(form, {}), **max_lengths(schema)}


def maxlength(form: str, field: str) -> Markup:
    """` maxlength="N"` for an input's tag (nothing for a field without a limit)."""
    limit = limits(form).get(field)
    return Markup(f' maxlength="{limit}"') if limit else Markup("")
