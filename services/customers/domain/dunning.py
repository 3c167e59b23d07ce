"""Dunning letters (seed 003 s9, "correspondencia de cobranza"): escalating steps of templates.

The seed asks that a customer never receive the same form letter twice: here a
customer never gets the same template twice in a row. The choice is a pure
function of the customer's letter history, what they owe overdue and the
date, so every run, however often it is repeated, decides the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clientela.checks import invalid, raise_problems, whole_number_problem
from clientela.services.customers.domain.receivables import Invoice


@dataclass(frozen=True)
class DunningStep:
    """A step of the escalation: it applies once the oldest overdue invoice is at least
    ``after_days_overdue`` days overdue, and its ``templates`` take turns."""

    after_days_overdue: int
    templates: tuple[str, ...]

    def __post_init__(self) -> None:
        raise_problems(
            {
                "after_days_overdue": whole_number_problem(self.after_days_overdue, 1, "days"),
                "templates": None
                if self.templates and all(isinstance(t, str) and t.strip() for t in self.templates)
                else "Must name at least one template, none blank.",
            }
        )


@dataclass(frozen=True)
class DunningPlan:
    """The escalation, mildest step first, and the least number of days between two letters
    to one customer."""

    steps: tuple[DunningStep, ...]
    interval_days: int = 7

    def __post_init__(self) -> None:
        raise_problems({"interval_days": whole_number_problem(self.interval_days, 1, "days")})
        if not self.steps:
            raise invalid("steps", "Must have at least one step.")
        thresholds = [step.after_days_overdue for step in self.steps]
        if thresholds != sorted(set(thresholds)):
            raise invalid("steps", "Must escalate: after_days_overdue strictly increasing.")
        templates = [template for step in self.steps for template in step.templates]
        if len(templates) != len(set(templates)):
            raise invalid("steps", "A template may appear in one step only, once.")


@dataclass(frozen=True)
class SentLetter:
    """A letter a customer was sent."""

    template: str
    sent_on: date


@dataclass(frozen=True)
class LetterChoice:
    """Which template to send, from which step (1 = mildest)."""

    step: int
    template: str


def _turn_in_step(step: DunningStep, history: Sequence[SentLetter]) -> str:
    """The step's template after the last one of it the customer got (its first when none)."""
    for letter in reversed(history):
        if letter.template in step.templates:
            position = step.templates.index(letter.template)
            return step.templates[(position + 1) % len(step.templates)]
    return step.templates[0]


def next_letter(
    history: Iterable[SentLetter], days_overdue: int, as_of: date, plan: DunningPlan
) -> LetterChoice | None:
    """The letter to send on ``as_of`` to a customer whose oldest overdue invoice is
    ``days_overdue`` days overdue and who was sent ``history``; None when none is due.

    None when nothing is overdue enough for the first step, or the last letter
    went out fewer than ``interval_days`` before. Otherwise the step is the
    highest one reached, and its templates take turns across the customer's
    history. When that step's only template is the one last sent, the next
    step up is used instead, and past the last step the nearest one below, so
    the same template never goes out twice in a row (a plan of one template
    sends it once).
    """
    letters = sorted(history, key=lambda letter: letter.sent_on)
    reached = [i for i, step in enumerate(plan.steps) if step.after_days_overdue <= days_overdue]
    if not reached:
        return None
    last = letters[-1] if letters else None
    if last is not None and (as_of - last.sent_on).days < plan.interval_days:
        return None
    upwards = range(reached[-1], len(plan.steps))
    downwards = range(reached[-1] - 1, -1, -1)
    for index in (*upwards, *downwards):
        template = _turn_in_step(plan.steps[index], letters)
        if last is None or template != last.template:
            return LetterChoice(step=index + 1, template=template)
    return None


@dataclass(frozen=True)
class DunningLetter:
    """A letter a dunning run decided to send: to whom, which, and for what debt."""

    customer_ref: str
    step: int
    template: str
    overdue_amount: Decimal
    days_overdue: int
    invoice_refs: tuple[str, ...]


def dunning_run(
    invoices: Iterable[Invoice],
    histories: Mapping[str, Sequence[SentLetter]],
    as_of: date,
    plan: DunningPlan,
) -> list[DunningLetter]:
    """The letters due on ``as_of``, one at most per customer with overdue invoices, by
    customer reference.

    ``histories`` holds each customer's letters so far (a customer absent has
    had none).
    """
    overdue: dict[str, list[Invoice]] = {}
    for invoice in invoices:
        if invoice.outstanding_on(as_of) and invoice.days_overdue(as_of) > 0:
            overdue.setdefault(invoice.customer_ref, []).append(invoice)
    letters = []
    for customer_ref in sorted(overdue):
        owed = sorted(overdue[customer_ref], key=lambda invoice: invoice.invoice_ref)
        oldest = max(invoice.days_overdue(as_of) for invoice in owed)
        choice = next_letter(histories.get(customer_ref, ()), oldest, as_of, plan)
        if choice is not None:
            letters.append(
                DunningLetter(
                    customer_ref=customer_ref,
                    step=choice.step,
                    template=choice.template,
                    overdue_amount=sum((invoice.amount for invoice in owed), Decimal(0)),
                    days_overdue=oldest,
                    invoice_refs=tuple(invoice.invoice_ref for invoice in owed),
                )
            )
    return letters
