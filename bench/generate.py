"""Load N synthetic issues into a database by bulk inserts, for benchmarks.

    .venv/bin/python -m bench.generate --url postgresql://postgres@127.0.0.1/ys_bench --issues 100000

The schema is created (Alembic) if missing. Issues get realistic spreads of channel, type,
department, state and dates over the past `--years`, with deadlines around today so that
some are overdue, some due soon and most on track. Each issue gets the timeline events of the
steps that brought it to its state (登记, 交办, 签收, a few 报送进展, 答复, 回访, 公开: about 5 per
issue on average) and a sixth of the assigned ones a co-handling department. `--no-events` leaves
the timelines out, for a quicker load when only the issue table matters.
"""
import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text

from models import Department, Issue, IssueCoDepartment, IssueEvent, Meeting, User
from service.core.db import make_engine
from service.core.migrate import upgrade
from service.deadlines.calendar import WEEKDAYS
from service.deadlines.rules import nearest_open_deadline

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
           "content": f"企业反映：{rng.choice(PLACES)}{rng.choice(INDUSTRIES)}企业{rng.choice(TITLES)}，"
                      "请相关部门协调解决。",
           "type": rng.choice(TYPES),
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


# The steps that bring an issue to each state, after 登记 (create); `progress` repeats 0-3 times.
CHAINS = {
    "assigned": ["assign"],
    "in_progress": ["assign", "accept", "progress"],
    "suspended": ["assign", "accept", "suspend"],
    "replied": ["assign", "accept", "progress", "reply"],
    "closed": ["assign", "accept", "progress", "reply", "visit"],
    "published": ["assign", "accept", "progress", "reply", "visit", "publish"],
    "rejected": ["reject"],
}
TO_STATUS = {"assign": "assigned", "accept": "in_progress", "suspend": "suspended", "reply": "replied",
             "visit": "closed", "publish": "published", "reject": "rejected"}
NOTES = ["已联系企业了解情况", "已现场踏勘", "已召开协调会", "方案已报县政府审定", "正在办理相关手续"]


def make_events(rng: random.Random, issue_id: int, row: dict, actors: list[int]) -> list[dict]:
    """The timeline of one generated issue: 登记, then the steps of its state's chain."""
    at = row["created_at"]
    events = [{"issue_id": issue_id, "at": at, "actor_id": rng.choice(actors), "action": "create",
               "from_status": None, "to_status": "collected", "note": None, "data": {"channel": row["channel"]}}]
    status = "collected"
    for action in CHAINS[row["status"]]:
        for _ in range(rng.randint(0, 3) if action == "progress" else 1):
            at += timedelta(hours=rng.randint(2, 72))
            new = TO_STATUS.get(action, status)
            events.append({"issue_id": issue_id, "at": at, "actor_id": rng.choice(actors), "action": action,
                           "from_status": status, "to_status": new,
                           "note": rng.choice(NOTES) if action in ("progress", "suspend") else None, "data": {}})
            status = new
    return events


def co_departments(rng: random.Random, issue_id: int, row: dict, depts: list[int]) -> list[dict]:
    """A sixth of the assigned issues have one co-handling department besides the lead."""
    if row["status"] == "rejected" or rng.random() >= 1 / 6:
        return []
    other = rng.choice([d for d in depts if d != row["lead_department_id"]] or depts)
    return [{"issue_id": issue_id, "department_id": other}]


def progress_bar(done: int, total: int, started: float) -> str:
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed else 0
    left = (total - done) / rate if rate else 0
    filled = int(30 * done / total) if total else 30
    return (f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:>10,} / {total:,} issues  {rate:,.0f}/s  "
            f"{elapsed:,.0f} s, about {left:,.0f} s left")


# What the department assessment reads (bench.assessment). Derived from the sequence number by
# a multiplicative hash, not drawn from `rng`, so every other field stays as it was.
CATEGORIES = ["基础设施", "用地保障", "融资服务", "行政审批", "水电气保障", "政策兑现", "执法检查", "交通物流"]
MEETING_KINDS = {"breakfast": "breakfast", "forum": "forum", "evening_tea": "evening_tea"}


def ensure_meetings(conn, today: date, years: int = 6) -> dict[tuple[str, int, int], int]:
    """Monthly breakfasts (8th), quarterly forums (20th of the quarter's first month) and the
    evening tea of the 1st and 15th over the past `years`: {(kind, year, month): meeting id}."""
    if not conn.execute(select(Meeting.id).where(Meeting.title.like("基准%")).limit(1)).first():
        rows = []
        for year in range(today.year - years + 1, today.year + 1):
            for month in range(1, 13):
                for kind, day in (("breakfast", 8), ("forum", 20), ("evening_tea", 1), ("evening_tea", 15)):
                    if kind == "forum" and month % 3 != 1:
                        continue
                    held = datetime(year, month, day, 1, 0, tzinfo=timezone.utc)
                    rows.append({"kind": kind, "title": f"基准{kind}{year}-{month:02d}-{day:02d}", "held_at": held,
                                 "attendees": [], "status": "held", "created_at": held})
        conn.execute(insert(Meeting), rows)
    found = conn.execute(select(Meeting.id, Meeting.kind, Meeting.held_at).where(Meeting.title.like("基准%")))
    return {(kind, held.year, held.month): mid for mid, kind, held in found}


def assessment_fields(row: dict, meetings: dict[tuple[str, int, int], int]) -> None:
    """A category, a township and a meeting (for the meeting channels), and for every assigned
    issue its assignment and acceptance and, once replied, the deadline its reply met or missed."""
    h = (row["seq"] * 2654435761) % 2**32
    created = row["created_at"]
    row["category"] = CATEGORIES[h % len(CATEGORIES)]
    row["township"] = PLACES[(h >> 4) % len(PLACES)]
    kind = MEETING_KINDS.get(row["channel"])
    if kind:
        row["meeting_id"] = meetings.get((kind, created.year, created.month))
    if row["status"] == "rejected":
        return
    row["assigned_at"] = row.get("assigned_at") or created
    if row["status"] != "assigned":
        row["accepted_at"] = created + timedelta(hours=2 + h % 40)
        row["accepted_on_time"] = (h >> 8) % 10 != 0   # nine in ten
    if row.get("replied_at") is not None:
        slack = timedelta(days=(h >> 12) % 6)
        due = row["replied_at"].date() + (slack if row["completed_on_time"] else -slack - timedelta(days=1))
        row.update(reply_due=due, complete_due=due)
    row["extension_count"] = 1 if (h >> 16) % 12 == 0 else 0
    row["reopen_count"] = 1 if (h >> 20) % 25 == 0 else 0


class _Row:
    def __init__(self, data: dict):
        self.__dict__.update({k: None for k in ("accept_due", "reply_due", "complete_due", "report_due",
                                                "visit_due", "answered_at", "reported_at")}, **data)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.1)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-events", dest="events", action="store_false",
                        help="leave out timelines and co-handling departments")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    upgrade(engine)
    rng, today = random.Random(args.seed), date.today()
    with engine.begin() as conn:
        depts, leaders = ensure_directory(conn)
        meetings = ensure_meetings(conn, today)
        actors = list(conn.execute(select(User.id)).scalars())
        # bench issues number after everything already there, so a second run adds to the first
        start = (conn.execute(select(func.max(Issue.seq))).scalar() or 0) + 10_000_000
    t0 = time.monotonic()
    for offset in range(0, args.issues, args.batch):
        n = min(args.batch, args.issues - offset)
        rows = [make_issue(rng, start + offset + i, today, depts, leaders, args.open_share)
                for i in range(n)]
        for row in rows:
            assessment_fields(row, meetings)
        # one executemany needs the same keys in every row
        keys = set().union(*rows)
        rows = [{k: row.get(k) for k in keys} for row in rows]
        with engine.begin() as conn:
            if args.events:
                ids = conn.execute(insert(Issue).returning(Issue.id, sort_by_parameter_order=True), rows).scalars()
                events, co = [], []
                for issue_id, row in zip(ids, rows, strict=True):
                    events += make_events(rng, issue_id, row, actors)
                    co += co_departments(rng, issue_id, row, depts)
                conn.execute(insert(IssueEvent), events)
                if co:
                    conn.execute(insert(IssueCoDepartment), co)
            else:
                conn.execute(insert(Issue), rows)
        print(progress_bar(offset + n, args.issues, t0), end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum would gather some minutes later: without them the
        # planner guesses a few hundred open issues where there are 100,000, and picks plans
        # that read them all.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


if __name__ == "__main__":
    main()
