"""The scenarios an issue's history follows (published, overdue, extended, reopened, …): generators
of acts over a `Walk`, and `SCENARIOS`, how often each occurs and at what age."""
from collections.abc import Iterator

from demo.county import HISTORY_DAYS, Act, Scenario
from demo.texts import (
    EVALUATION_REOPEN,
    ON_SPOT_CHANNELS,
    REASSIGN_NOTE,
    REOPEN_PROGRESS,
    REOPEN_REPLY,
    RETURN_OVERRULED,
)
from demo.walk import Walk
from models import Satisfaction


def _collected(w: Walk) -> Iterator[Act]:
    yield from w.create()


def _returned_waiting(w: Walk) -> Iterator[Act]:
    yield from w.returned()


def _assigned(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign()


def _assigned_overdue(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign()
    yield from w.urge(days=w.rng.randint(3, 5))


def _in_progress(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign()
    yield from w.accept()
    yield from w.work()


def _in_progress_overdue(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.urge(days=w.rng.randint(8, 14))
    if w.rng.random() < 0.6:
        yield from w.instruct(days=w.rng.randint(1, 3))


def _closing_soon(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.assign(closing_soon=True)
    yield from w.accept()
    yield from w.work()


def _extended_open(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.extension(approve=w.rng.random() < 0.75)


def _suspended(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.suspend()


def _escalated(w: Walk) -> Iterator[Act]:
    """提请上级, followed up once, still waiting on the higher level."""
    yield from _in_progress(w)
    yield from w.escalate()
    yield from w.escalation_followup()


def _escalation_answered(w: Walk) -> Iterator[Act]:
    """提请上级, followed up, answered: back to the department, which finishes the work."""
    yield from _escalated(w)
    yield from w.escalation_answer()
    yield from _finish(w)


def _replied(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    if w.rng.random() < 0.2:  # the office has called once without reaching the reporter
        yield from w.unreached()


def _reopened_open(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    yield from w.visit(Satisfaction.UNSATISFIED)
    yield w.step(w.handler, "progress", {"note": REOPEN_PROGRESS}, days=w.rng.randint(1, 3))


def _closed(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    if w.rng.random() < 0.15:  # 销号: the reporter could not be reached three times
        for _ in range(3):
            yield from w.unreached()
        yield from w.close_off()
        return
    yield from w.visit()
    if w.rng.random() < 0.3:
        yield from w.withhold()
    elif w.rng.random() < 0.5:
        yield from w.evaluate()  # evaluated, awaiting publication


def _evaluated_reopened(w: Walk) -> Iterator[Act]:
    """Closed, found 未解决 by the office's evaluation, handled again by the department."""
    yield from w.handled()
    yield from w.visit()
    yield from w.evaluate("unresolved")
    yield w.step(w.coordinator(), "reopen", {"reason": EVALUATION_REOPEN}, days=1)
    yield w.step(w.handler, "progress", {"note": REOPEN_PROGRESS}, days=w.rng.randint(1, 3))


def _published(w: Walk) -> Iterator[Act]:
    yield from w.handled()
    yield from w.visit()
    yield from w.publish()


def _finish(w: Walk, publish_share: float = 0.6, result: str | None = None) -> Iterator[Act]:
    yield from w.reply(result)
    yield from w.visit()
    if w.rng.random() < publish_share:
        yield from w.publish()


def _reopened(w: Walk) -> Iterator[Act]:
    yield from _reopened_open(w)
    yield from _finish(w, result=REOPEN_REPLY.format(result=w.p.result))


def _returned_reassigned(w: Walk) -> Iterator[Act]:
    overruled = yield from w.returned()
    yield from w.assign(note=RETURN_OVERRULED[1] if overruled else REASSIGN_NOTE, days=1)
    yield from w.accept()
    yield from w.work()
    yield from _finish(w)


def _extended(w: Walk) -> Iterator[Act]:
    yield from _in_progress(w)
    yield from w.extension()
    yield from _finish(w)


def _resumed(w: Walk) -> Iterator[Act]:
    yield from _suspended(w)
    yield from w.resume()
    yield from _finish(w)


def _rejected(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.reject()


def _answered_on_spot(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.answer(satisfied=True)
    if w.rng.random() < 0.5:
        yield from w.publish()


def _answered_awaiting_visit(w: Walk) -> Iterator[Act]:
    yield from w.create()
    yield from w.answer(satisfied=False)


def _answered_then_assigned(w: Walk) -> Iterator[Act]:
    """Answered on the spot, the reporter unsatisfied at the return visit: assigned after all."""
    yield from _answered_awaiting_visit(w)
    yield from w.visit(Satisfaction.UNSATISFIED)
    yield from w.assign(days=1)
    yield from w.accept()
    yield from w.work()


SCENARIOS = {
    "collected": Scenario(10, (0, 3), _collected),
    "returned_waiting": Scenario(2, (1, 4), _returned_waiting, "work"),
    "assigned": Scenario(8, (0, 2), _assigned),
    "assigned_overdue": Scenario(3, (6, 15), _assigned_overdue, "work"),
    "in_progress": Scenario(22, (2, 12), _in_progress, "work"),
    "in_progress_overdue": Scenario(10, (28, 80), _in_progress_overdue, "work"),
    "closing_soon": Scenario(6, (3, 10), _closing_soon, "work"),
    "extended_open": Scenario(5, (15, 40), _extended_open, "work"),
    "suspended": Scenario(6, (20, 120), _suspended, "work"),
    "escalated": Scenario(1, (30, 90), _escalated, "work"),
    "escalation_answered": Scenario(1, (75, HISTORY_DAYS), _escalation_answered, "work"),
    "replied": Scenario(12, (8, 25), _replied),
    "reopened_open": Scenario(3, (20, 40), _reopened_open, "work"),
    "closed": Scenario(25, (30, HISTORY_DAYS), _closed),
    "published": Scenario(70, (45, HISTORY_DAYS), _published),
    "reopened": Scenario(8, (60, HISTORY_DAYS), _reopened, "work"),
    "evaluated_reopened": Scenario(3, (40, HISTORY_DAYS), _evaluated_reopened, "work"),
    "returned": Scenario(6, (45, HISTORY_DAYS), _returned_reassigned, "work"),
    "extended": Scenario(6, (60, HISTORY_DAYS), _extended, "work"),
    "resumed": Scenario(3, (75, HISTORY_DAYS), _resumed, "work"),
    "rejected": Scenario(10, (1, HISTORY_DAYS), _rejected),
    "answered_on_spot": Scenario(8, (1, HISTORY_DAYS), _answered_on_spot, "consult", ON_SPOT_CHANNELS),
    "answered_awaiting_visit": Scenario(3, (0, 4), _answered_awaiting_visit, "consult", ON_SPOT_CHANNELS),
    "answered_then_assigned": Scenario(1, (8, 20), _answered_then_assigned, "consult", ON_SPOT_CHANNELS),
}
