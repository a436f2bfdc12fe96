"""One body schema per workflow action. Which fields are required is the workflow table's
business (service.workflow enforces it); these schemas check types and sizes."""
from marshmallow import Schema, fields, validate

from models import EscalationLevel, RecheckVerdict, RejectReason, Satisfaction, Verdict

from .common import Choice, Id, Phone, Text
from .issues import Deadlines


class ActionBody(Schema):
    version = Id(load_default=None, allow_none=True)
    note = Text(2000, load_default=None, allow_none=True)


class AssignBody(ActionBody):
    lead_department_id = Id(load_default=None)
    co_department_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=30))
    lead_leader_id = Id(load_default=None)
    handler_user_id = Id(load_default=None, allow_none=True, metadata={
        "description": "责任人：主办单位的在岗人员；给出时姓名、手机号取自其账号，可不填 responsible_person/phone"})
    responsible_person = Text(64, load_default=None)
    responsible_phone = Phone(load_default=None)
    co_handler_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=30), metadata={
        "description": "协办单位经办人：每个协办单位至多一人，须是该单位的在岗人员；协办通知发到其手机"})
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)


class MeetingAssignment(AssignBody):
    issue_id = Id(required=True)


class AnswerOnSpotBody(ActionBody):
    answer = Text(5000, load_default=None)
    satisfaction = Choice(list(Satisfaction), load_default=None, allow_none=True)


class RejectBody(ActionBody):
    reason = Choice(list(RejectReason), load_default=None)
    merged_into = Id(load_default=None, allow_none=True)


class ReasonBody(ActionBody):
    reason = Text(2000, load_default=None)


class PlanBody(ActionBody):
    plan = Text(5000, load_default=None)


class ExtensionRequestBody(ActionBody):
    complete_due = fields.Date(load_default=None)
    reason = Text(2000, load_default=None)


class ExtensionDecisionBody(ActionBody):
    approve = fields.Boolean(load_default=None)
    complete_due = fields.Date(load_default=None, allow_none=True)


class SetDeadlineBody(ActionBody):
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)
    reason = Text(2000, load_default=None)


class ReassignBody(ActionBody):
    """改派: a field left out keeps what the issue has (the co-handling departments, the lead
    leader, the deadlines)."""
    lead_department_id = Id(load_default=None)
    co_department_ids = fields.List(Id(), load_default=None, allow_none=True, validate=validate.Length(max=30))
    lead_leader_id = Id(load_default=None, allow_none=True)
    handler_user_id = Id(load_default=None, allow_none=True)
    responsible_person = Text(64, load_default=None)
    responsible_phone = Phone(load_default=None)
    co_handler_ids = fields.List(Id(), load_default=None, allow_none=True, validate=validate.Length(max=30))
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)
    reason = Text(2000, load_default=None)


class SuspendBody(ActionBody):
    reason = Text(2000, load_default=None)
    review_on = fields.Date(load_default=None)


class EscalateBody(ActionBody):
    level = Choice(list(EscalationLevel), load_default=None)
    agency = Text(100, load_default=None)
    document_no = Text(64, load_default=None, allow_none=True)
    sent_on = fields.Date(load_default=None)
    reason = Text(2000, load_default=None)
    review_on = fields.Date(load_default=None)


class EscalationFollowupBody(ActionBody):
    followed_on = fields.Date(load_default=None, allow_none=True)
    review_on = fields.Date(load_default=None, allow_none=True)


class EscalationAnswerBody(ActionBody):
    answer = Text(5000, load_default=None)
    answered_on = fields.Date(load_default=None, allow_none=True)
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)


class ResumeBody(ActionBody):
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)


class AnswerBody(ActionBody):
    answer = Text(5000, load_default=None)


class ReplyBody(ActionBody):
    result = Text(5000, load_default=None)


class ReportBody(ActionBody):
    report = Text(5000, load_default=None)


class VisitBody(ActionBody):
    satisfaction = Choice(list(Satisfaction), load_default=None)
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)


class RateOutcomeBody(ActionBody):
    satisfaction = Choice(list(Satisfaction), required=True)


class ReopenBody(ReasonBody):
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)


class PublishBody(ActionBody):
    public_summary = Text(5000, load_default=None)
    public_title = Text(200, load_default=None, allow_none=True)


class EvaluateBody(ActionBody):
    verdict = Choice(list(Verdict), load_default=None)
    evidence = Text(5000, load_default=None)
    attachment_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=30))
    evaluated_on = fields.Date(load_default=None, allow_none=True)


class RecheckBody(ActionBody):
    verdict = Choice(list(RecheckVerdict), load_default=None, metadata={"description": "true 属实 / false 不属实"})
    deadlines = fields.Nested(Deadlines, load_default=None, allow_none=True)


class PlanOpinionBody(ActionBody):
    opinion = Choice(["agree", "object"], required=True)
    reason = Text(500, load_default=None)


ACTION_SCHEMAS: dict[str, type[Schema]] = {
    "assign": AssignBody, "answer_on_spot": AnswerOnSpotBody, "reject": RejectBody,
    "accept": ActionBody, "return": ReasonBody, "plan": PlanBody,
    "plan_opinion": PlanOpinionBody, "proceed_plan": ReasonBody, "progress": ActionBody,
    "request_extension": ExtensionRequestBody, "decide_extension": ExtensionDecisionBody,
    "set_deadline": SetDeadlineBody, "reassign": ReassignBody, "urge": ActionBody, "suspend": SuspendBody,
    "resume": ResumeBody, "escalate": EscalateBody, "escalation_followup": EscalationFollowupBody,
    "escalation_answer": EscalationAnswerBody,
    "instruct": ActionBody, "answer": AnswerBody, "reply": ReplyBody, "report": ReportBody,
    "visit": VisitBody, "unreached": ActionBody, "request_rating": ActionBody, "close_off": ReasonBody,
    "evaluate": EvaluateBody, "reopen": ReopenBody, "publish": PublishBody, "withhold": ReasonBody,
    "withdraw": ReasonBody, "rate_outcome": RateOutcomeBody, "recheck": RecheckBody,
}
