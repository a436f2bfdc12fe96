"""SQLModel tables and the domain's vocabularies. Imports nothing else of ours."""
from sqlmodel import SQLModel

from .enums import *  # noqa: F401,F403
from .issue import CodeCounter, ExtensionRequest, Issue, IssueCoDepartment, IssueEvent
from .meeting import Meeting
from .org import ApiToken, Department, User
from .outbox import SmsMessage
from .types import UTCDateTime, utcnow

metadata = SQLModel.metadata

__all__ = [
    "ApiToken", "CodeCounter", "Department", "ExtensionRequest", "Issue", "IssueCoDepartment",
    "IssueEvent", "Meeting", "SmsMessage", "User", "UTCDateTime", "metadata", "utcnow",
]
