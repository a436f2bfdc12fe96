"""`flask --app app suggestions train|evaluate`: the department suggestions from the command line.

    flask --app app suggestions train
    flask --app app suggestions evaluate [--data tests/data/issue_eval.csv]

`train` retrains the model on the county's assignments now (the scheduler does it nightly).
`evaluate` prints the hit rates of the suggestions by cross-validation and the precision and
recall of the similar-issue look-up on a labelled set (docs/similar-issues.md); it reads
only the file, never the database.
"""
import csv
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from service.core.db import open_session
from service.matching.evaluation import evaluate
from service.matching.suggestions import MIN_SAMPLES, history, train


@click.group("suggestions")
def suggestions_group() -> None:
    """推荐主办单位: retrain the model, measure it."""


@suggestions_group.command("train")
@with_appcontext
def train_command() -> None:
    """Retrain the suggestions on the county's assignments not returned."""
    with open_session(current_app.extensions["ys"]["engine"], write=True) as session:
        row = train(session, datetime.now(timezone.utc))
        if row is None:
            usable = len(history(session).positives)
            click.echo(f"交办记录不足（可用 {usable} 件，至少需要 {MIN_SAMPLES} 件），暂不推荐主办单位。")
            return
        click.echo(f"已用 {row.samples} 次交办训练，涉及 {row.departments} 个单位。")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


@suggestions_group.command("evaluate")
@click.option("--data", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("tests/data/issue_eval.csv"), show_default=True, help="the labelled set (CSV)")
def evaluate_command(path: Path) -> None:
    """Top-1/top-3 hit rates by cross-validation; duplicate detection precision/recall."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fig = evaluate(rows)
    click.echo(f"评测集：{fig.rows} 件，{fig.departments} 个单位，预设重复反映 {fig.duplicates} 对")
    click.echo(f"推荐主办单位（5 折交叉验证，随机分折）：首位命中 {_percent(fig.top1)}，前三命中 {_percent(fig.top3)}")
    click.echo(f"推荐主办单位（按问题分折，问题未见过）：首位命中 {_percent(fig.top1_unseen)}，"
               f"前三命中 {_percent(fig.top3_unseen)}")
    click.echo(f"推荐主办单位（按问题分折，仅用文字）：首位命中 {_percent(fig.top1_text_only)}，"
               f"前三命中 {_percent(fig.top3_text_only)}")
    click.echo(f"重复反映识别（同一企业或来电且相似度≥{fig.threshold:.2f}）：标出 {fig.flagged} 对，"
               f"准确率 {_percent(fig.precision)}，召回率 {_percent(fig.recall)}")
    click.echo(f"登记时相似问题列表：被重复的问题排第一 {_percent(fig.repeat_first)}，"
               f"在前五条内 {_percent(fig.repeat_shown)}")
