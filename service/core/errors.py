"""Domain errors. The web layer maps each to its HTTP status and the error envelope."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class NotAuthenticated(DomainError):
    status, code = 401, "not_authenticated"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class WrongState(Conflict):
    code = "wrong_state"


class Invalid(DomainError):
    status, code = 422, "invalid"


class TooLarge(DomainError):
    """An upload over its limit, refused before it is read."""
    status, code = 413, "too_large"


class TooManyRequests(DomainError):
    """Refused for now; `retry_after` says in how many seconds to try again."""
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, fields: dict | None = None, code: str | None = None,
                 retry_after: int | None = None):
        super().__init__(message, fields, code)
        self.retry_after = retry_after


def require(fields: dict[str, str]) -> None:
    """Raise Invalid naming every field at fault, or do nothing when there is none."""
    if fields:
        first = next(iter(fields.values()))
        raise Invalid(first if len(fields) == 1 else f"有{len(fields)}处填写有误：{first}", fields)
