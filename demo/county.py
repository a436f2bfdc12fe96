"""The demo county itself: its directory and meetings, the plans of its issues (what is decided
before an issue is logged) and the performing of each act through the service layer."""
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session

from demo.texts import (
    AMOUNTS,
    CHANNEL_WEIGHTS,
    CROPS,
    DEPARTMENTS,
    ENTERPRISES,
    GIVEN_NAMES,
    INDUSTRIES,
    MEETING_CHANNELS,
    MEETING_LOCATIONS,
    MOBILE_PREFIXES,
    OFFICE_CHANNELS,
    PARKS,
    ROADS,
    SHOPS,
    STAFF,
    SURNAMES,
    TOWN_DEPARTMENTS,
    TOWNSHIPS,
    TRADES,
)
from demo.topics import TOPICS, Topic
from models import Department, Issue, Meeting, MeetingKind, Role, User
from service.deadlines.calendar import LOCAL_TZ, WEEKDAYS, local_date
from service.identity.directory import create_department, create_user
from service.intake.issues import create_issue
from service.workflow.consultation import lapse as consultation_lapse
from service.workflow.meetings import EVENING_TEA_AT, EVENING_TEA_DAYS, create_meeting
from service.workflow.transition import WorkflowOptions, transition

DEMO_PASSWORD = "Demo-2026"
OPTIONS = WorkflowOptions()
HISTORY_DAYS = 170


# --- time -----------------------------------------------------------------------------------

def _at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ).astimezone(timezone.utc)


def _working_day_on_or_after(day: date) -> date:
    return day if WEEKDAYS.is_working_day(day) else WEEKDAYS.add_working_days(day, 1)


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    """(year, month) of the `count` months up to and including today's, oldest first."""
    y, m = today.year, today.month
    months = []
    for _ in range(count):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def _fill(rng: random.Random, township: str, org: str) -> dict:
    """The values the topic templates are filled with, for one issue."""
    count = rng.randint(6, 40)
    industry = dict(ENTERPRISES).get(org)
    product = INDUSTRIES[industry] if industry else rng.choice(list(INDUSTRIES.values()))
    return {
        "town": township, "org": org, "park": PARKS.get(township, f"{township}工业集中区"),
        "road": rng.choice(ROADS), "product": product, "crop": rng.choice(CROPS),
        "trade": rng.choice(TRADES), "n": rng.randint(2, 6), "months": rng.randint(2, 8),
        "years": rng.randint(3, 12), "amount": f"{rng.choice(AMOUNTS)}万元",
        "invest": rng.choice(("3000万元", "5800万元", "1.2亿元", "2.6亿元")),
        "loan": f"{rng.choice((30, 50, 100, 200))}万元", "fee": rng.choice(("8000", "1.2万", "2万", "3.5万")),
        "count": count, "hired": max(3, count - rng.randint(0, 5)), "few": rng.randint(2, 4),
        "km": rng.randint(6, 25), "kva": rng.choice((315, 400, 630, 800, 1250)),
        "mu": rng.choice((120, 200, 350, 500, 800)), "sqm": rng.choice((1500, 2000, 3000, 5000)),
        "pct": rng.choice((40, 50, 60, 70)),
    }


# --- acts, scenarios and plans ---------------------------------------------------------------

# The scheduler's round that records unanswered plans (征求意见) as 无异议, as an act of the history.
LAPSE = "lapse_consultations"


@dataclass
class Act:
    """One step of an issue's history: "create", or a workflow action."""

    at: datetime
    actor: User | None
    action: str
    body: dict


@dataclass(frozen=True)
class Scenario:
    """How an issue's history goes, and which issues may follow it."""

    weight: int
    age: tuple[float, float]   # days from logging to now
    run: Callable[..., Iterator[Act]]  # a generator of acts over a `walk.Walk`
    topics: str = "any"        # "consult", "work" (anything but a consultation) or "any"
    channels: tuple[str, ...] = ()

    def fits(self, topic: Topic) -> bool:
        is_consult = topic.type == "consult"
        return {"any": True, "consult": is_consult, "work": not is_consult}[self.topics]


@dataclass
class Plan:
    """What is decided about an issue before it is logged."""

    scenario: Scenario
    topic: Topic
    channel: str
    meeting: Meeting | None
    t0: datetime
    creator: User | None
    data: dict
    lead: Department
    co: list[Department]
    leader: User
    plan: str
    result: str
    summary: str


# --- the county -----------------------------------------------------------------------------

class County:
    def __init__(self, session: Session, now: datetime, rng: random.Random):
        self.session, self.now, self.rng = session, now, rng
        self.today = local_date(now)
        self.depts: dict[str, Department] = {}
        self.users: dict[str, User] = {}
        self.handlers: dict[int, User] = {}                 # department id → its handler
        self.responsible: dict[int, tuple[str, str]] = {}   # department id → (name, mobile)
        self.meetings: list[Meeting] = []
        self.by_topic: dict[str, list[Issue]] = {}
        self.reporters: dict[str, list[dict]] = {}

    # -- directory ---------------------------------------------------------------------------

    def add_departments(self) -> None:
        since = self.now - timedelta(days=HISTORY_DAYS + 60)
        for i, (code, name, _) in enumerate(DEPARTMENTS, 1):
            self.depts[code] = create_department(self.session, None, code, name, f"0915-3212{i:03d}",
                                                 now=since)

    def add_users(self) -> None:
        for i, (username, role, name, post) in enumerate(STAFF, 1):
            self._user(username, role, f"{name}（{post}）" if post else name, f"1379152{i:04d}")
        for i, (code, dept_name, person) in enumerate(DEPARTMENTS, 1):
            dept, phone = self.depts[code], f"1399152{i:04d}"
            self.handlers[dept.id] = self._user(f"dept_{code}", Role.DEPARTMENT,
                                                f"{person}（{dept_name}）", phone, dept.id)
            self.responsible[dept.id] = (person, phone)

    def _user(self, username: str, role: str, display_name: str, phone: str,
              department_id: int | None = None) -> User:
        user = create_user(self.session, None, username=username, password=DEMO_PASSWORD, role=role,
                           display_name=display_name, phone=phone, department_id=department_id)
        self.users[username] = user
        return user

    def of_role(self, role: str) -> list[User]:
        return [u for u in self.users.values() if u.role == role]

    # -- meetings ----------------------------------------------------------------------------

    def add_meetings(self) -> None:
        coordinator = self.users["yingshang"]
        for kind, held_at, title, host_name in self._meeting_schedule():
            host = self.users[host_name]
            data = {"kind": kind, "title": title, "held_at": held_at, "host_leader_id": host.id,
                    "attendees": self._attendees(kind, host), "location": MEETING_LOCATIONS[kind],
                    "status": "held"}
            self.meetings.append(create_meeting(self.session, coordinator, data,
                                                held_at - timedelta(days=3)))

    def _meeting_schedule(self) -> list[tuple[str, datetime, str, str]]:
        """Monthly breakfasts, quarterly forums, tea on the 1st and 15th, one other meeting:
        (kind, held at, title, host's username)."""
        months = _months_back(self.today, 8)
        cutoff = self.now - timedelta(hours=3)

        def last(moments: list[tuple[datetime, str]], k: int) -> list[tuple[datetime, str]]:
            return [m for m in moments if m[0] <= cutoff][-k:]

        breakfasts = [(_at_local(_working_day_on_or_after(date(y, m, 8)), 7, 30),
                       f"{y}年{m}月服务企业早餐会") for y, m in months]
        forums = [(_at_local(_working_day_on_or_after(date(y, m, 20)), 14, 30),
                   f"{y}年第{(m - 1) // 3 + 1}季度政企面对面恳谈会") for y, m in months if m % 3 == 2]
        # The county head hosts the tea on the 15th, the executive deputy on the 1st.
        teas = [(_at_local(date(y, m, d), EVENING_TEA_AT.hour), f"“听您说”晚茶会（{m}月{d}日）")
                for y, m in months for d in EVENING_TEA_DAYS]
        other = _at_local(_working_day_on_or_after(self.today - timedelta(days=40)), 9)
        rows = ([(MeetingKind.BREAKFAST, *m, "xianzhang") for m in last(breakfasts, 6)]
                + [(MeetingKind.FORUM, *m, "xianzhang") for m in last(forums, 2)]
                + [(MeetingKind.EVENING_TEA, *m, "xianzhang" if "15日" in m[1] else "changwu")
                   for m in last(teas, 8)]
                + [(MeetingKind.OTHER, other, "全县优化营商环境工作推进会", "changwu")])
        return sorted(rows, key=lambda row: row[1])

    def _attendees(self, kind: str, host: User) -> list[str]:
        firms = [name for name, _ in self.rng.sample(ENTERPRISES, self.rng.randint(3, 5))]
        if kind == MeetingKind.BREAKFAST:
            return [host.display_name, "县营商办", "县发改局", "县工信局", *firms]
        if kind == MeetingKind.FORUM:
            return ["县委、县政府主要领导", "县直相关部门负责人", "营商环境义务监督员代表",
                    "人大代表、政协委员代表", *firms]
        if kind == MeetingKind.EVENING_TEA:
            return [host.display_name, "县人大代表", "县政协委员", "县长专线话务员", "县营商办"]
        return ["县政府领导班子成员", "县营商办", "县委督查办", "县直各部门主要负责人", "各镇（街道）主要负责人"]

    # -- issues ------------------------------------------------------------------------------

    def plan_issues(self, count: int, scenarios: dict[str, Scenario]) -> list[Plan]:
        """`count` plans; every scenario at least once when `count` allows."""
        names = list(scenarios)
        weights = [scenarios[n].weight for n in names]
        chosen = names[:count] + self.rng.choices(names, weights, k=max(0, count - len(names)))
        self.rng.shuffle(chosen)
        return [self._plan(scenarios[name]) for name in chosen]

    def _plan(self, scenario: Scenario) -> Plan:
        rng = self.rng
        topic = rng.choice([t for t in TOPICS if scenario.fits(t)])
        township = rng.choice(list(TOWN_DEPARTMENTS) if topic.lead == "town" else TOWNSHIPS)
        channel, meeting, t0 = self._when_and_where(scenario)
        reporter = self._reporter(channel, township, topic)
        fill = _fill(rng, township, reporter["org"])
        lead = self._department(topic.lead, township)
        co = [d for d in (self._department(c, township) for c in topic.co) if d and d.id != lead.id]
        data = {"title": rng.choice(topic.titles).format_map(fill), "content": topic.content.format_map(fill),
                "category": topic.category, "channel": channel, "type": topic.type,
                "meeting_id": meeting.id if meeting else None, "township": township,
                "reporter": reporter}
        return Plan(scenario, topic, channel, meeting, t0, self._creator(channel), data, lead, co,
                    self._leader(channel, meeting), topic.plan.format_map(fill),
                    topic.result.format_map(fill), topic.summary.format_map(fill))

    def _when_and_where(self, scenario: Scenario) -> tuple[str, Meeting | None, datetime]:
        rng, (low, high) = self.rng, scenario.age
        channels = scenario.channels or tuple(CHANNEL_WEIGHTS)
        channel = rng.choices(channels, [CHANNEL_WEIGHTS[c] for c in channels])[0]
        if channel in MEETING_CHANNELS:
            fits = [m for m in self.meetings if m.kind == MEETING_CHANNELS[channel]
                    and low <= (self.now - m.held_at) / timedelta(days=1) <= high]
            if fits:
                meeting = rng.choice(fits)
                return channel, meeting, meeting.held_at + timedelta(minutes=rng.randint(10, 50))
            channel = rng.choice([c for c in channels if c not in MEETING_CHANNELS])
        return channel, None, self._logged_at(channel, self.now - timedelta(days=rng.uniform(low, high)))

    def _logged_at(self, channel: str, moment: datetime) -> datetime:
        """A believable moment near `moment`: office channels on working days in office hours."""
        day, office = local_date(moment), channel in OFFICE_CHANNELS
        if office and not WEEKDAYS.is_working_day(day):
            day = WEEKDAYS.add_working_days(day, -1)
        hour = self.rng.randint(8, 17) if office else self.rng.randint(7, 21)
        latest = self.now - timedelta(minutes=self.rng.randint(20, 120))
        return min(_at_local(day, hour, self.rng.randint(0, 59)), latest)

    def _reporter(self, channel: str, township: str, topic: Topic) -> dict:
        rng = self.rng
        if channel == "supervisor":
            kind = "supervisor"
        elif channel in ("forum", "evening_tea") and rng.random() < 0.25:
            kind = "deputy"
        elif topic.individuals and channel in ("hotline", "online", "mailbox", "window") \
                and rng.random() < 0.5:
            kind = "person"
        else:
            kind = "enterprise"
        firms = [name for name, industry in ENTERPRISES
                 if not topic.industries or industry in topic.industries]
        known = [r for r in self.reporters.get(kind, []) if kind == "person" or r["org"] in firms]
        if known and rng.random() < 0.15:
            return dict(rng.choice(known))  # a repeat reporter
        surname = rng.choice(SURNAMES)
        org = f"{township}{surname}记{rng.choice(SHOPS)}" if kind == "person" else rng.choice(firms)
        reporter = {"name": surname + rng.choice(GIVEN_NAMES), "org": org, "phone": _mobile(rng),
                    "kind": kind, "consent_public": rng.random() < 0.25}
        self.reporters.setdefault(kind, []).append(reporter)
        return dict(reporter)

    def _department(self, code: str, township: str) -> Department | None:
        if code == "town":
            return self.depts.get(TOWN_DEPARTMENTS.get(township, ""))
        return self.depts[code]

    def _creator(self, channel: str) -> User | None:
        if channel == "online":
            return None  # the public's own form
        role = Role.OPERATOR if channel in ("hotline", "evening_tea", "window") else Role.COORDINATOR
        return self.rng.choice(self.of_role(role))

    def _leader(self, channel: str, meeting: Meeting | None) -> User:
        if meeting is not None and channel != "forum":
            return next(u for u in self.users.values() if u.id == meeting.host_leader_id)
        leaders = [self.users[u] for u in ("xianzhang", "changwu", "fuxianzhang")]
        return self.rng.choices(leaders, (3, 4, 3))[0]

    def perform(self, act: Act, issue: Issue | None) -> Issue:
        if act.action == "create":
            return create_issue(self.session, act.actor, act.body, act.at)
        if act.action == LAPSE:
            consultation_lapse(self.session, act.at)
            return issue
        return transition(self.session, act.actor, issue.id, act.action, act.body, act.at, OPTIONS)
