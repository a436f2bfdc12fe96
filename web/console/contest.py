"""季度擂台赛: a quarter's points (stored with the rules in force), the printable 擂台赛通报 and
its workbook, the administrator's rules and the office's 一事一表扬."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from service.assessment import contest
from service.assessment.contest import RULE_LABELS
from service.core.errors import DomainError

from ..context import db, now, today
from ..schemas.contest import ComputeIn, PraiseIn, QuarterArgs, RulesIn
from .blueprint import bp
from .formdata import FormErrors, errors_of, load, or_none, typed
from .reports import _xlsx
from .session import staff


def _asked(source) -> tuple[dict, FormErrors]:
    """(year, quarter) asked in `source`, the last finished quarter when neither is given."""
    year, quarter = source.get("year", "").strip(), source.get("quarter", "").strip()
    pick = source.get("pick", "").strip()
    if pick and not year and not quarter:
        year, _, quarter = pick.partition("-")
    if not year and not quarter:
        year, quarter = contest.quarter_choices(today(), 1)[0]
        return {"year": year, "quarter": quarter}, FormErrors()
    data = {k: int(v) if v.isascii() and v.isdigit() and len(v) < 6 else v
            for k, v in (("year", year), ("quarter", quarter))}
    return load(QuarterArgs(), data)


def _page(asked: dict, errors: FormErrors | None = None, values: dict | None = None, status: int = 200):
    errors = errors or FormErrors()
    page = contest.contest_page(db(), staff(), asked["year"], asked["quarter"], now())
    return render_template("console/contest/index.html", page=page, errors=errors, values=values or {},
                           choices=contest.quarter_choices(today()), rule_lines=contest.rule_lines(page.rules),
                           rule_labels=RULE_LABELS), status


def _quarter_or_error():
    asked, errors = _asked(request.args)
    if errors:
        return None, _bad_quarter(errors)
    return asked, None


def _bad_quarter(errors: FormErrors):
    contest.may_read(staff())  # who may read is checked before what was asked
    return render_template("console/contest/index.html", page=None, errors=errors, values={},
                           choices=contest.quarter_choices(today()), rule_lines=[],
                           rule_labels=RULE_LABELS), errors.status


@bp.get("/contest")
@login_required
def contest_index():
    asked, refused = _quarter_or_error()
    return refused if refused else _page(asked)


@bp.post("/contest/compute")
@login_required
def contest_compute():
    contest.may_run(staff())
    asked, errors = _asked(request.form)
    if errors:
        return _bad_quarter(errors)
    body, errors = load(ComputeIn(), {**asked, "recompute": request.form.get("recompute") == "1"})
    if not errors:
        try:
            contest.run_quarter(db(), staff(), body["year"], body["quarter"], now(), body["recompute"])
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("已计算并保存%(y)s年第%(q)s季度擂台赛积分", y=body["year"], q=body["quarter"]), "success")
            return redirect(url_for("console.contest_index", year=body["year"], quarter=body["quarter"]))
    if "year" in errors or "quarter" in errors:
        return _bad_quarter(errors)
    return _page(asked, errors, status=errors.status)


def _notice_result():
    asked, refused = _quarter_or_error()
    if refused:
        return None, refused
    result = contest.quarter_result(db(), staff(), asked["year"], asked["quarter"])
    if result is None:
        return None, (render_template("console/error.html", title=gettext("没有找到"),
                                      message=gettext("%(y)s年第%(q)s季度擂台赛尚未计算", y=asked["year"],
                                                      q=asked["quarter"])), 404)
    return result, None


@bp.get("/contest/notice")
@login_required
def contest_notice():
    result, refused = _notice_result()
    if refused:
        return refused
    top, bottom = contest.podium(result)
    return render_template("console/contest/notice.html", result=result, top=top, bottom=bottom,
                           title=contest.notice_title(result.year, result.quarter),
                           rule_lines=contest.rule_lines(result.rules), issued_on=today())


@bp.get("/contest.xlsx")
@login_required
def contest_xlsx():
    result, refused = _notice_result()
    if refused:
        return refused
    return _xlsx(contest.contest_workbook(result), f"{contest.notice_title(result.year, result.quarter)}.xlsx",
                 f"contest-{result.year}-q{result.quarter}.xlsx")


# --- the rules ----------------------------------------------------------------------------------

# The form names each rule by its key alone (the keys are unique across the groups).
def _rules_values(rules: dict) -> dict:
    return {key: f"{value:g}" for keys in rules.values() for key, value in keys.items()}


def _rule_fields() -> dict[str, str]:
    """form field → the rule's label, in the order of RULE_LABELS."""
    return {name.split(".")[1]: label for name, label in RULE_LABELS.items()}


@bp.get("/contest/rules")
@login_required
def contest_rules():
    rules = contest.rules_form(db(), staff())
    return render_template("console/contest/rules.html", values=_rules_values(rules), errors=FormErrors(),
                           rule_fields=_rule_fields())


def _float_or_text(text: str):
    """A number as typed (a whole one as an int: the minimum number of ratings is a count)."""
    try:
        number = float(text) if text else None
    except ValueError:
        return text
    return int(number) if number is not None and number.is_integer() else number


@bp.post("/contest/rules")
@login_required
def contest_rules_save():
    contest.rules_form(db(), staff())
    values = typed(*_rule_fields())
    data: dict = {}
    for name in RULE_LABELS:
        group, key = name.split(".")
        value = _float_or_text(values[key])
        data.setdefault(group, {})
        if value is not None:
            data[group][key] = value
    body, errors = load(RulesIn(), data)
    if not errors:
        try:
            contest.set_rules(db(), staff(), body, now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            flash(gettext("擂台赛积分规则已保存，此后计算的季度按新规则，已保存的季度不变"), "success")
            return redirect(url_for("console.contest_rules"))
    errors = FormErrors({name.rpartition(".")[2]: message for name, message in errors.items()}, errors.status)
    return render_template("console/contest/rules.html", values=values, errors=errors,
                           rule_fields=_rule_fields()), errors.status


# --- 一事一表扬 ---------------------------------------------------------------------------------

@bp.post("/contest/praises")
@login_required
def contest_praise_add():
    values = typed("department_id", "issue_id", "day", "note")
    data = or_none(values)
    for name in ("department_id", "issue_id"):
        text = data.get(name)
        if text is not None and text.isascii() and text.isdigit() and len(text) < 10:
            data[name] = int(text)
    body, errors = load(PraiseIn(), data)
    if not errors:
        try:
            praise = contest.add_praise(db(), staff(), body["department_id"], body["issue_id"], body["day"],
                                        body["note"], now())
        except DomainError as exc:
            errors = errors_of(exc)
        else:
            year, quarter = contest.quarter_of(praise.day)
            flash(gettext("已登记一事一表扬，加%(p)s分", p=f"{praise.points:g}"), "success")
            return redirect(url_for("console.contest_index", year=year, quarter=quarter))
    asked, bad = _asked(request.form)
    if bad:
        year, quarter = contest.quarter_choices(today(), 1)[0]
        asked = {"year": year, "quarter": quarter}
    return _page(asked, errors, values, errors.status)


@bp.post("/contest/praises/<int:praise_id>/delete")
@login_required
def contest_praise_delete(praise_id: int):
    contest.remove_praise(db(), staff(), praise_id)
    flash(gettext("已删除该条表扬"), "success")
    year, quarter = request.form.get("year", ""), request.form.get("quarter", "")
    args = {"year": year, "quarter": quarter} if year.isdigit() and quarter.isdigit() else {}
    return redirect(url_for("console.contest_index", **args))
