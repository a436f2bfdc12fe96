"""The columns of the ledger (问题台账): one list read by the export and by the import.

Each column names the issue field it carries; the import matches columns by their header
title, so the office may reorder them, and ignores columns it does not know (the colour is
worked out, never imported).
"""
from dataclasses import dataclass

from models import (
    CHANNEL_LABELS,
    ESCALATION_LEVEL_LABELS,
    ISSUE_TYPE_LABELS,
    REJECT_REASON_LABELS,
    REPORTER_KIND_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    Channel,
    Disclosure,
    EscalationLevel,
    IssueType,
    RejectReason,
    ReporterKind,
    Satisfaction,
    Status,
)
from service.core.xlsx import Column


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    column: Column
    required: bool = False      # a row without it is refused
    max_length: int | None = None
    imported: bool = True       # False: written for the reader, skipped on import

    @property
    def title(self) -> str:
        return self.column.title


def _c(key: str, title: str, width: int = 14, kind: str = "text", **kw) -> LedgerColumn:
    return LedgerColumn(key, Column(title, width, kind), **kw)


COLUMNS: tuple[LedgerColumn, ...] = (
    _c("code", "编号", 15),
    _c("created_at", "登记时间", 17, "datetime", required=True),
    _c("channel", "问题来源", 18, required=True),
    _c("meeting_title", "会议名称", 22, "wrap", max_length=200),
    _c("meeting_date", "会议日期", 12, "date"),
    _c("reporter_name", "反映人", 10, max_length=64),
    _c("reporter_kind", "反映人身份", 12),
    _c("reporter_org", "企业（单位）名称", 24, "wrap", max_length=200),
    # the linked enterprise's 统一社会信用代码 (企业库); the link itself is not imported
    _c("enterprise_code", "统一社会信用代码", 21, imported=False),
    _c("reporter_phone", "联系电话", 14, max_length=20),
    _c("reporter_consent_public", "同意公开单位名称", 10),
    _c("type", "诉求类型", 9),
    _c("category", "问题类别", 12, max_length=64),
    _c("township", "所属镇（街道）", 12, max_length=64),
    _c("title", "问题标题", 28, "wrap", required=True, max_length=200),
    _c("content", "问题内容", 48, "wrap", required=True, max_length=5000),
    _c("lead_leader", "主抓县级领导", 12),
    _c("lead_department", "承办部门", 16),
    _c("co_departments", "协办部门", 20, "wrap"),
    _c("responsible_person", "责任人", 10, max_length=64),
    _c("responsible_phone", "责任人电话", 14, max_length=20),
    _c("plan", "办理路径和解决办法", 36, "wrap", max_length=5000),
    _c("accept_due", "签收时限", 12, "date"),
    _c("reply_due", "回复时限", 12, "date"),
    _c("complete_due", "办结时限", 12, "date"),
    _c("original_complete_due", "原定办结时限", 12, "date"),
    _c("report_due", "报告时限", 12, "date"),
    _c("visit_due", "回访时限", 12, "date"),
    _c("assigned_at", "交办时间", 17, "datetime"),
    _c("accepted_at", "签收时间", 17, "datetime"),
    _c("answered_at", "首次答复时间", 17, "datetime"),
    _c("replied_at", "答复时间", 17, "datetime"),
    _c("reported_at", "报告时间", 17, "datetime"),
    _c("closed_at", "办结时间", 17, "datetime"),
    _c("published_at", "公示时间", 17, "datetime"),
    _c("suspended_at", "挂账时间", 17, "datetime"),
    _c("review_on", "挂账复核日期", 12, "date"),
    # 提请上级 in force (the latest escalation); imported for an issue that is 提请中, whose
    # review date is 挂账复核日期
    _c("escalation_level", "提请层级", 9),
    _c("escalation_agency", "提请机关", 18, "wrap", max_length=100),
    _c("escalation_document_no", "提请文号", 16, max_length=64),
    _c("escalation_sent_on", "提请日期", 12, "date"),
    _c("status", "办理状态", 10, required=True),
    _c("reject_reason", "不予受理原因", 14),
    _c("flag", "当前颜色", 9, imported=False),
    _c("accepted_on_time", "按期签收", 9),
    _c("replied_on_time", "按期回复", 9),
    _c("completed_on_time", "按期办结", 9),
    _c("reported_on_time", "按期报告", 9),
    _c("late_completions", "超期办结次数", 9, "int"),
    _c("round_no", "办理轮次", 9, "int"),
    _c("answered_on_spot", "现场答复", 9),
    _c("result", "办理结果", 40, "wrap", max_length=5000),
    _c("satisfaction", "满意度", 10),
    _c("extension_count", "延期次数", 9, "int"),
    _c("reopen_count", "重新办理次数", 9, "int"),
    # 重复反映 N 次: calls linked to the issue as repeats (service.matching.repeats); not imported
    _c("repeats", "重复反映次数", 9, "int", imported=False),
    _c("disclosure", "是否公开", 10),
    _c("withhold_reason", "不予公开理由", 20, "wrap", max_length=2000),
    _c("public_title", "公开标题", 28, "wrap", max_length=200),
    _c("public_summary", "公开摘要", 36, "wrap", max_length=5000),
)
BY_TITLE = {c.title: c for c in COLUMNS}
BY_KEY = {c.key: c for c in COLUMNS}

# The service's own Chinese names of the closed sets the ledger writes out (the others are
# in models).
DISCLOSURE_LABELS = {Disclosure.PENDING: "待定", Disclosure.PUBLIC: "公开",
                     Disclosure.WITHHELD: "不予公开"}
FLAG_LABELS = {"red": "红", "yellow": "黄", "green": "绿"}
YES, NO = "是", "否"

# Label or code → code, for each closed set the import reads.
VOCABULARIES: dict[str, dict[str, str]] = {
    "channel": {**{str(label): str(code) for code, label in CHANNEL_LABELS.items()},
                **{str(c): str(c) for c in Channel}},
    "status": {**{str(label): str(code) for code, label in STATUS_LABELS.items()},
               **{str(c): str(c) for c in Status}},
    "type": {**{str(label): str(code) for code, label in ISSUE_TYPE_LABELS.items()},
             **{str(c): str(c) for c in IssueType}},
    "reporter_kind": {**{label: str(code) for code, label in REPORTER_KIND_LABELS.items()},
                      **{str(c): str(c) for c in ReporterKind}},
    "satisfaction": {**{label: str(code) for code, label in SATISFACTION_LABELS.items()},
                     **{str(c): str(c) for c in Satisfaction}},
    "reject_reason": {**{label: str(code) for code, label in REJECT_REASON_LABELS.items()},
                      **{str(c): str(c) for c in RejectReason}},
    "escalation_level": {**{label: str(code) for code, label in ESCALATION_LEVEL_LABELS.items()},
                         **{str(c): str(c) for c in EscalationLevel}, "市": "city", "省": "province",
                         "国家级": "state"},
    "disclosure": {**{label: str(code) for code, label in DISCLOSURE_LABELS.items()},
                   **{str(c): str(c) for c in Disclosure}, "已公开": "public"},
}

# Marks a workbook as this service's ledger; a masked one carries MASKED_MARK as well.
LEDGER_MARK = "ys-ledger"
MASKED_MARK = "masked"
MASKED_NOTE = "本表已脱敏（反映人姓名、单位、电话已隐去），仅供阅读，不能导入。"
