import re
from datetime import date

from flask_smorest import Blueprint

from service.core.errors import require
from service.deadlines import calendar as work_calendar
from service.deadlines import policies as policy
from service.reminders import reporter_messages
from service.reminders import sms_texts as templates

from ..context import current_user, db, now, today
from ..schemas.admin import (
    CalendarArgs,
    CalendarDayIn,
    CalendarDayOut,
    CalendarYear,
    PolicyIn,
    PolicyList,
    PolicyOut,
    ProviderTemplateIn,
    ProviderTemplateOut,
    ReporterMessageList,
    SwitchIn,
    TemplateIn,
    TemplateList,
    TemplateOut,
)

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin",
                description="系统设置：节假日安排、时限规则、短信模板、反映人短信")

ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _day(text: str) -> date:
    try:
        if ISO_DAY.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    require({"day": "日期格式须为 YYYY-MM-DD"})


@blp.get("/calendar")
@blp.arguments(CalendarArgs, location="query")
@blp.response(200, CalendarYear)
def calendar_year(args):
    """一年的法定节假日、调休上班日、手工设置和提醒（系统管理员、县营商办）"""
    user, day = current_user(), today()
    return work_calendar.year_overview(db(), user, args["year"] or day.year, day)


@blp.put("/calendar/<day>")
@blp.arguments(CalendarDayIn)
@blp.response(200, CalendarDayOut)
def set_calendar_day(body, day: str):
    """把某天设为放假（holiday）或上班（workday），优先于国家安排（系统管理员）"""
    return work_calendar.set_day(db(), current_user(), _day(day), body["kind"], body["note"], now(),
                                 until=body["until"])


@blp.delete("/calendar/<day>")
@blp.response(204)
def delete_calendar_day(day: str):
    """删除某天的手工设置，恢复按国家安排（系统管理员）"""
    work_calendar.delete_day(db(), current_user(), _day(day))


@blp.get("/deadline-policies")
@blp.response(200, PolicyList)
def deadline_policies():
    """时限规则：内置默认值与管理员设置（系统管理员、县营商办）"""
    return {"items": policy.list_policies(db(), current_user())}


@blp.put("/deadline-policies")
@blp.arguments(PolicyIn)
@blp.response(200, PolicyOut)
def set_deadline_policy(body):
    """设置某类诉求（某渠道，或 channel 为 null 表示其余渠道）的工作日时限（系统管理员）"""
    row = policy.set_policy(db(), current_user(), body, now())
    return {**row.model_dump(), "source": "override", "in_effect": True}


@blp.delete("/deadline-policies/<id:policy_id>")
@blp.response(204)
def delete_deadline_policy(policy_id: int):
    """删除一条管理员设置的时限规则（系统管理员）"""
    policy.delete_policy(db(), current_user(), policy_id)


@blp.get("/sms-templates")
@blp.response(200, TemplateList)
def sms_templates():
    """短信模板：内置文字、管理员改写、可用占位符和示例长度（系统管理员）"""
    return {"items": templates.list_templates(db(), current_user())}


@blp.put("/sms-templates/<key>")
@blp.arguments(TemplateIn)
@blp.response(200, TemplateOut)
def set_sms_template(body, key: str):
    """改写一个短信模板；超过一条短信（70 字）时在 warning 中提示（系统管理员）"""
    return templates.set_template(db(), current_user(), key, body["body"], now())


@blp.delete("/sms-templates/<key>")
@blp.response(200, TemplateOut)
def reset_sms_template(key: str):
    """恢复内置的短信文字（系统管理员）"""
    return templates.reset_template(db(), current_user(), key)


@blp.put("/sms-templates/<key>/providers/<provider>")
@blp.arguments(ProviderTemplateIn)
@blp.response(200, ProviderTemplateOut)
def set_provider_template(body, key: str, provider: str):
    """记录阿里云（aliyun）或腾讯云（tencent）审核通过的模板：模板编号及其变量，变量须是该类短信提供的内容（系统管理员）"""
    return templates.set_provider_template(db(), current_user(), provider, key, body["template_code"],
                                           body["params"], now())


@blp.delete("/sms-templates/<key>/providers/<provider>")
@blp.response(204)
def clear_provider_template(key: str, provider: str):
    """删除某服务商的模板记录：该类短信不再经该服务商发送（系统管理员）"""
    templates.clear_provider_template(db(), current_user(), provider, key)


def _switch_rows() -> dict:
    return {"items": [{"template": r.message.template, "label": r.message.label, "step": r.message.step,
                       "when": r.message.when, "off_channels": sorted(r.off)}
                      for r in reporter_messages.switch_table(db(), current_user()).rows]}


@blp.get("/reporter-messages")
@blp.response(200, ReporterMessageList)
def reporter_message_switches():
    """反映人在每个办理步骤收到的短信，及已按渠道关闭的（系统管理员）"""
    return _switch_rows()


@blp.put("/reporter-messages/<template>/channels/<channel>")
@blp.arguments(SwitchIn)
@blp.response(200, ReporterMessageList)
def set_reporter_message_switch(body, template: str, channel: str):
    """对某一渠道的问题发送（on=true）或关闭（on=false）某类反映人短信（系统管理员）"""
    reporter_messages.set_switch(db(), current_user(), template, channel, body["on"], now())
    return _switch_rows()
