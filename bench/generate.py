"""Load N synthetic issues into a database by bulk inserts, for benchmarks.

    .venv/bin/python -m bench.generate --url postgresql://postgres@127.0.0.1/ys_bench --issues 100000

The schema is created (Alembic) if missing. Issues get realistic spreads of channel, type,
department, state and dates over the past `--years`, with deadlines around today so that
some are overdue, some due soon and most on track. Timeline events are not generated.
"""
import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from models import Department, Issue, User
from service.calendar import WEEKDAYS
from service.db import make_engine
from service.deadlines import nearest_open_deadline
from service.schema import upgrade

CHANNELS = ["hotline"] * 40 + ["evening_tea"] * 12 + ["online"] * 15 + ["window"] * 10 + \
    ["mailbox"] * 6 + ["visit"] * 7 + ["breakfast"] * 4 + ["forum"] * 3 + ["supervisor"] * 3
TYPES = ["help"] * 35 + ["consult"] * 30 + ["complaint"] * 20 + ["suggestion"] * 10 + ["report"] * 5
TITLES = ["园区道路破损影响物流", "用电报装进度慢", "不动产登记办理时间长", "企业招工难", "融资担保费率高",
          "工程款拖欠", "执法检查过于频繁", "天然气接入费用高", "食品经营许可证延续", "税费优惠政策咨询"]
OPEN_STATES = ["assigned"] * 10 + ["in_progress"] * 70 + ["replied"] * 15 + ["suspended"] * 5
# Public summaries of published issues: place × industry × action, so that search terms range
# from common ("园区", "用电报装") to rare ("河西镇光伏").
PLACES = ["城关镇", "北塬镇", "柳林镇", "东川街道", "河西镇", "南山镇", "工业园区", "物流园", "现代农业园区",
          "高新区", "西关街道", "石门镇"]
INDUSTRIES = ["光伏", "食品加工", "物流", "建材", "纺织", "中药材", "电商", "汽配", "果业", "文旅",
              "装备制造", "新材料", "乳业", "酿造", "家具", "印刷", "冷链", "茶叶", "陶瓷", "化工"]
ACTIONS = ["已协调完成整改", "已现场办结", "已出台专项措施", "已纳入年度计划并开工", "已完成审批",
           "已落实补助资金", "已开通绿色通道", "已约谈相关单位并限期整改"]


def ensure_directory(conn, departments: int = 20, leaders: int = 3) -> tuple[list[int], list[int]]:
    have = conn.execute(select(func.count()).select_from(Department)).scalar_one()
    if have < departments:
        conn.execute(insert(Department), [{"code": f"b{i}", "name": f"基准部门{i}", "active": True,
                                           "created_at": datetime.now(timezone.utc)}
                                          for i in range(have, departments)])
    if not conn.execute(select(User.id).where(User.role == "leader")).first():
        conn.execute(insert(User), [{"username": f"bench_leader{i}", "display_name": f"领导{i}",
                                     "role": "leader", "phone": f"1390000{i:04d}", "password_hash": "x",
                                     "active": True, "created_at": datetime.now(timezone.utc)}
                                    for i in range(leaders)])
    dept_ids = list(conn.execute(select(Department.id)).scalars())
    leader_ids = list(conn.execute(select(User.id).where(User.role == "leader")).scalars())
    return dept_ids, leader_ids


def make_issue(rng: random.Random, seq: int, today: date, depts, leaders, open_share: float) -> dict:
    created = datetime.combine(today - timedelta(days=rng.randint(0, 5 * 365)), datetime.min.time(),
                               tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 24 * 60))
    year = created.year
    row = {"code": f"BN{year}-{seq:08d}", "year": year, "seq": seq, "title": rng.choice(TITLES),
           "content": "企业反映：" + rng.choice(TITLES) + "，请相关部门协调解决。", "type": rng.choice(TYPES),
           "channel": rng.choice(CHANNELS), "reporter_name": "测试", "reporter_phone": f"138{seq % 10**8:08d}",
           "reporter_kind": "enterprise", "reporter_consent_public": False, "answered_on_spot": False,
           "reopen_count": 0, "extension_count": 0, "disclosure": "pending", "version": 1,
           "created_at": created, "updated_at": created}
    if rng.random() < open_share:
        # open: deadlines from 20 working days ago to 25 ahead, so some are red, some yellow
        due = WEEKDAYS.add_working_days(today, rng.randint(-20, 25))
        row.update(status=rng.choice(OPEN_STATES), lead_department_id=rng.choice(depts),
                   lead_leader_id=rng.choice(leaders), responsible_person="承办人",
                   responsible_phone=f"137{seq % 10**8:08d}", accept_due=WEEKDAYS.add_working_days(due, -9),
                   reply_due=due, complete_due=due, report_due=WEEKDAYS.add_working_days(due, 2),
                   visit_due=WEEKDAYS.add_working_days(due, 5), assigned_at=created)
    else:
        status = rng.choice(["closed", "published", "rejected"])
        row.update(status=status, lead_department_id=rng.choice(depts), closed_at=created)
        if status != "rejected":
            _finished(rng, row, created)
    row["next_due"] = nearest_open_deadline(_Row(row))
    return row


def _finished(rng: random.Random, row: dict, created: datetime) -> None:
    """A replied, rated issue; a published one gets a public summary, a few closed are withheld."""
    replied = created + timedelta(days=rng.randint(1, 20))
    place, industry = rng.choice(PLACES), rng.choice(INDUSTRIES)
    row.update(replied_at=replied, closed_at=replied + timedelta(days=rng.randint(0, 5)),
               result=f"{rng.choice(ACTIONS)}，已向企业反馈。", completed_on_time=rng.random() < 0.85,
               satisfaction=rng.choice(["satisfied"] * 8 + ["basically"] * 3 + ["unsatisfied"]))
    if row["status"] == "published":
        row.update(disclosure="public", published_at=row["closed_at"] + timedelta(days=rng.randint(1, 7)),
                   public_summary=f"{place}{industry}企业反映{row['title']}。承办部门{rng.choice(ACTIONS)}，"
                                  f"{place}{industry}项目已恢复正常。")
    elif rng.random() < 0.1:
        row.update(disclosure="withheld", withhold_reason="涉及企业商业秘密")


class _Row:
    def __init__(self, data: dict):
        self.__dict__.update({k: None for k in ("accept_due", "reply_due", "complete_due", "report_due",
                                                "visit_due")}, **data)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.1)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    upgrade(engine)
    rng, today = random.Random(args.seed), date.today()
    with engine.begin() as conn:
        depts, leaders = ensure_directory(conn)
        # bench issues number after everything already there, so a second run adds to the first
        start = (conn.execute(select(func.max(Issue.seq))).scalar() or 0) + 10_000_000
    t0 = time.monotonic()
    for offset in range(0, args.issues, args.batch):
        n = min(args.batch, args.issues - offset)
        rows = [make_issue(rng, start + offset + i, today, depts, leaders, args.open_share)
                for i in range(n)]
        # one executemany needs the same keys in every row
        keys = set().union(*rows)
        rows = [{k: row.get(k) for k in keys} for row in rows]
        with engine.begin() as conn:
            conn.execute(insert(Issue), rows)
        done = offset + n
        rate = done / (time.monotonic() - t0)
        print(f"\r{done:>10,} / {args.issues:,} issues  {rate:,.0f}/s", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
