"""SQLModel tables and the domain's vocabularies. Imports nothing else of ours."""
from sqlmodel import SQLModel

from .audit import AuditTrailImmutable
from .catalog import Attachment, Category
from .contest import ContestResult, ContestRules, Praise
from .disclosure import DisclosureBatch, DisclosureBatchIssue, Objection
from .enterprise import Enterprise, EnterpriseLeader, LeaderVisit, Township
from .enums import *  # noqa: F401,F403
from .idempotency import IdempotentRequest
from .issue import (
    CodeCounter,
    DeadlineJudgement,
    Escalation,
    Evaluation,
    ExtensionRequest,
    Issue,
    IssueCoDepartment,
    IssueEvent,
    IssueReport,
    PlanConsultation,
)
from .matching import IssueClass, IssueClassMember, IssueRepeat, SuggestionModel
from .meeting import Meeting, MeetingChange
from .notice import NOTICE_KINDS, Notice
from .org import ApiToken, Department, LoginThrottle, User
from .outbox import SmsInbound, SmsMessage, SmsOptOut, SmsSwitchOff
from .rating import RATING_SCORE_LABELS, RATING_SCORES, DepartmentRating, RatingInvitation, RatingRound
from .recheck import AccountabilityRecord, RecheckMember, RecheckSample
from .saved_view import SavedView
from .settings import CalendarDay, DeadlinePolicy, DepartmentRobot, SmsProviderTemplate, SmsTemplate
from .types import UTCDateTime, utcnow

metadata = SQLModel.metadata

__all__ = [
    "AccountabilityRecord", "ApiToken", "Attachment", "RecheckMember", "RecheckSample", "AuditTrailImmutable",
    "CalendarDay", "Category", "CodeCounter", "ContestResult", "ContestRules",
    "DeadlineJudgement", "DeadlinePolicy", "Department",
    "Enterprise", "EnterpriseLeader", "LeaderVisit", "Township",
    "DepartmentRobot", "Escalation",
    "ExtensionRequest", "IdempotentRequest", "Issue", "IssueCoDepartment", "IssueEvent", "IssueReport",
    "PlanConsultation",
    "Praise", "SavedView",
    "RATING_SCORES", "RATING_SCORE_LABELS", "DepartmentRating", "RatingInvitation", "RatingRound",
    "LoginThrottle", "Meeting", "MeetingChange",
    "NOTICE_KINDS", "Notice", "Objection", "SmsInbound", "SmsMessage", "SmsOptOut", "SmsSwitchOff",
    "SmsProviderTemplate", "SmsTemplate",
    "DisclosureBatch", "DisclosureBatchIssue", "Evaluation",
    "IssueClass", "IssueClassMember", "IssueRepeat", "SuggestionModel",
    "User", "UTCDateTime", "metadata", "utcnow",
]
