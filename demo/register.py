"""The demo county's enterprise register: the townships, every enterprise that raised an issue
(with a 统一社会信用代码 in the national format, its check character computed), the leaders'
包保 of them, the old issues linked by name, and month-end visits of this month — some by the
leader, some by the office on the leader's behalf (代为记录)."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from demo.texts import ENTERPRISES, GIVEN_NAMES, SURNAMES, TOWNSHIPS
from models import Enterprise, EnterpriseLeader, EnterpriseScale, Issue, Role, Township, User
from service.enterprises.credit_code import ALPHABET, check_character
from service.enterprises.registry import link_existing_issues
from service.enterprises.visits import record_visit, visit_list

DIVISION = "610430"  # the county's administrative division code (positions 3-8)


def credit_code(rng: random.Random) -> str:
    body = "91" + DIVISION + "".join(rng.choice(ALPHABET[:10] + "MA") for _ in range(9))
    return body + check_character(body)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def seed_register(session: Session, now: datetime, rng: random.Random) -> None:
    session.add_all([Township(name=name, sort_order=i) for i, name in enumerate(TOWNSHIPS)])
    session.flush()
    leaders = list(session.execute(select(User).where(User.role == Role.LEADER).order_by(User.id)).scalars())
    scales = [EnterpriseScale.ABOVE] * 2 + [EnterpriseScale.SME] * 5 + [EnterpriseScale.INDIVIDUAL]
    firms = []
    for i, (name, industry) in enumerate(ENTERPRISES):
        firm = Enterprise(name=name, credit_code=credit_code(rng), industry=industry,
                          township=TOWNSHIPS[i % len(TOWNSHIPS)], scale=rng.choice(scales),
                          contact_name=_person(rng), contact_phone=f"139{rng.randrange(10 ** 8):08d}",
                          envoy_name=_person(rng), envoy_phone=f"137{rng.randrange(10 ** 8):08d}",
                          created_at=now - timedelta(days=400), updated_at=now - timedelta(days=400))
        session.add(firm)
        firms.append(firm)
    session.flush()
    # 包保: every enterprise has one county leader, the larger ones a second
    for i, firm in enumerate(firms):
        session.add(EnterpriseLeader(enterprise_id=firm.id, leader_id=leaders[i % len(leaders)].id))
        if firm.scale == EnterpriseScale.ABOVE and len(leaders) > 1:
            session.add(EnterpriseLeader(enterprise_id=firm.id, leader_id=leaders[(i + 1) % len(leaders)].id))
    session.commit()
    link_existing_issues(session, None, now - timedelta(minutes=30))
    _visits(session, now, leaders)


def _visits(session: Session, now: datetime, leaders: list[User]) -> None:
    """This month's visits: every other one by the leader, the rest by the office on the
    leader's behalf; the first leader's first one stays on the list, still to visit."""
    office = session.execute(select(User).where(User.role == Role.COORDINATOR).order_by(User.id)).scalars().first()
    at = now - timedelta(minutes=20)
    pairs = [(leader, row) for leader in leaders for row in visit_list(session, leader, leader.id, at).rows]
    for n, (leader, row) in enumerate(pairs[1:], 1):
        actor = leader if n % 2 else office
        body = {"satisfaction": "satisfied" if n % 3 else "basically",
                "note": "电话回访，企业对办理结果认可" if actor is leader else "代县领导电话回访，企业表示满意",
                "leader_id": leader.id}
        record_visit(session, actor, row.issue.id, body, at + timedelta(seconds=n))


def linked_issue_count(session: Session) -> int:
    return len(session.execute(select(Issue.id).where(Issue.enterprise_id.is_not(None))).all())
