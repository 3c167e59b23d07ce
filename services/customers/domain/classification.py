"""Customer classification (seed 003 s10, seed 002 B2): classes, typology, RFM, ABC, census.

Every window is a field of :class:`ClassificationWindows`; "in the last N
days" means after ``as_of`` - N days and up to ``as_of``. Classes "by volume"
and "by recency" are the ABC class and the RFM scores.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from clientela.checks import (
    invalid,
    raise_problems,
    require_aware,
    require_text,
    whole_number_problem,
)
from clientela.periods import period_key, shift_months
from clientela.services.customers.domain.periods import require_granularity
from clientela.services.customers.domain.purchases import Purchase, summarise_by_customer


class Lifecycle(StrEnum):
    """Where a customer is in their life with us."""

    NEW = "new"
    EXISTING = "existing"
    INACTIVE = "inactive"
    LOST = "lost"


class AbcClass(StrEnum):
    """Pareto class by purchase value; A customers are the strategic ones."""

    A = "A"
    B = "B"
    C = "C"


class Typology(StrEnum):
    """What role the customer plays in the sale."""

    END_USER = "end_user"
    INTERMEDIATE = "intermediate"
    PRESCRIBER = "prescriber"


_TYPOLOGY_NAMES = {
    "end_user": Typology.END_USER,
    "end user": Typology.END_USER,
    "usuario final": Typology.END_USER,
    "intermediate": Typology.INTERMEDIATE,
    "intermediario": Typology.INTERMEDIATE,
    "distributor": Typology.INTERMEDIATE,
    "distribuidor": Typology.INTERMEDIATE,
    "mayorista": Typology.INTERMEDIATE,
    "prescriber": Typology.PRESCRIBER,
    "prescriptor": Typology.PRESCRIBER,
}


def parse_typology(value: str) -> Typology:
    """The typology ``value`` names, in English or Spanish, ignoring case and accents."""
    decomposed = unicodedata.normalize("NFKD", str(value).strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    try:
        return _TYPOLOGY_NAMES[plain.replace("-", " ")]
    except KeyError:
        raise invalid("typology", "Must be one of: end_user, intermediate, prescriber.") from None


@dataclass(frozen=True)
class ClassificationWindows:
    """The windows and shares classification uses; the defaults are the documented ones."""

    new_days: int = 90
    inactive_days: int = 180
    rfm_months: int = 12
    abc_months: int = 12
    abc_a_share: Decimal = Decimal("0.80")
    abc_b_share: Decimal = Decimal("0.15")

    def __post_init__(self) -> None:
        raise_problems(
            {
                "new_days": whole_number_problem(self.new_days, 1, "days"),
                "inactive_days": whole_number_problem(self.inactive_days, 1, "days"),
                "rfm_months": whole_number_problem(self.rfm_months, 1, "months"),
                "abc_months": whole_number_problem(self.abc_months, 1, "months"),
            }
        )
        for name in ("abc_a_share", "abc_b_share"):
            share = getattr(self, name)
            if not isinstance(share, Decimal) or not 0 < share <= 1:
                raise invalid(name, "Must be a decimal share above 0 and at most 1.")
        if self.abc_a_share + self.abc_b_share > 1:
            raise invalid("abc_b_share", "abc_a_share + abc_b_share must be at most 1.")


@dataclass(frozen=True)
class LostMark:
    """An operator's record that the customer was lost, when and why."""

    lost_at: datetime
    reason: str

    def __post_init__(self) -> None:
        require_aware("lost_at", self.lost_at)
        require_text("reason", self.reason)


@dataclass(frozen=True)
class CustomerFacts:
    """What classification needs to know about a customer besides their purchases."""

    customer_ref: str
    created_at: datetime
    special: bool = False
    lost: LostMark | None = None
    typology: Typology | None = None

    def __post_init__(self) -> None:
        require_text("customer_ref", self.customer_ref)
        require_aware("created_at", self.created_at)


def lifecycle(
    customer: CustomerFacts,
    first_purchase_at: datetime | None,
    last_purchase_at: datetime | None,
    as_of: datetime,
    windows: ClassificationWindows,
) -> Lifecycle:
    """The customer's lifecycle class at ``as_of``, the first rule that holds:

    1. lost: marked lost on or before ``as_of`` with no purchase after the mark
       (a purchase after it wins the customer back);
    2. inactive: no purchase in the last ``inactive_days`` (a customer without
       purchases counts from ``created_at``);
    3. new: first purchase (else ``created_at``) in the last ``new_days``;
    4. existing.
    """
    lost = customer.lost
    if (
        lost is not None
        and lost.lost_at <= as_of
        and (last_purchase_at is None or last_purchase_at <= lost.lost_at)
    ):
        return Lifecycle.LOST
    if (last_purchase_at or customer.created_at) <= as_of - timedelta(days=windows.inactive_days):
        return Lifecycle.INACTIVE
    if (first_purchase_at or customer.created_at) > as_of - timedelta(days=windows.new_days):
        return Lifecycle.NEW
    return Lifecycle.EXISTING


def quintile_scores(values: Mapping[str, Decimal | int]) -> dict[str, int]:
    """Scores 1-5 by quintile of each customer's value among all of them (higher value, higher
    score).

    A customer's place is the mid-rank percentile ``p = (below + equal / 2) / n``,
    where ``below`` counts customers with a lower value and ``equal`` those with
    the same value (the customer included); the score is ``floor(5p) + 1``,
    capped at 5. Tied customers therefore always share a score, the one of
    their group's middle; five distinct values score 1 to 5, and a lone
    customer or a field of equals scores 3.
    """
    counts = Counter(values.values())
    n = len(values)
    scores: dict[Decimal | int, int] = {}
    below = 0
    for value in sorted(counts):
        equal = counts[value]
        scores[value] = min(5, 5 * (2 * below + equal) // (2 * n) + 1)
        below += equal
    return {ref: scores[value] for ref, value in values.items()}


@dataclass(frozen=True)
class RfmScores:
    """Recency, frequency and monetary scores, 1 (lowest) to 5 (best)."""

    recency: int
    frequency: int
    monetary: int


def rfm_scores(
    purchases: Sequence[Purchase], as_of: datetime, windows: ClassificationWindows
) -> dict[str, RfmScores]:
    """RFM scores of every customer with a purchase up to ``as_of``.

    Recency is the whole days since the last purchase (fewer is better);
    frequency and monetary are the number and value of purchases in the last
    ``rfm_months`` (zero for a customer who bought only before). Each is
    scored with :func:`quintile_scores` among the customers scored.
    """
    ever = summarise_by_customer(purchases, until=as_of)
    window = summarise_by_customer(
        purchases, until=as_of, since=shift_months(as_of, -windows.rfm_months)
    )
    recency = quintile_scores(
        {ref: -(as_of - s.last_at).days for ref, s in ever.items() if s.last_at is not None}
    )
    frequency = quintile_scores({ref: window[ref].count if ref in window else 0 for ref in ever})
    monetary = quintile_scores(
        {ref: window[ref].value if ref in window else Decimal(0) for ref in ever}
    )
    return {ref: RfmScores(recency[ref], frequency[ref], monetary[ref]) for ref in ever}


def abc_classes(
    values: Mapping[str, Decimal],
    a_share: Decimal = Decimal("0.80"),
    b_share: Decimal = Decimal("0.15"),
) -> dict[str, AbcClass]:
    """Pareto classes of customers by their purchase value.

    Customers are ranked by value, highest first, equal values by
    ``customer_ref`` in ascending order. A is the shortest head of that
    ranking whose value reaches ``a_share`` of the total, so no smaller set of
    customers reaches it; B is the shortest following run that takes the
    cumulative value to ``a_share + b_share``; C is the rest. When equal values
    straddle a boundary, the tie-break by reference decides who is above it.
    With no value at all, every customer is C.
    """
    total = sum(values.values(), Decimal(0))
    a_reached = total * a_share
    b_reached = total * (a_share + b_share)
    classes: dict[str, AbcClass] = {}
    cumulative = Decimal(0)
    for ref in sorted(values, key=lambda ref: (-values[ref], ref)):
        if cumulative < a_reached:
            classes[ref] = AbcClass.A
        elif cumulative < b_reached:
            classes[ref] = AbcClass.B
        else:
            classes[ref] = AbcClass.C
        cumulative += values[ref]
    return classes


@dataclass(frozen=True)
class Classification:
    """Every class a customer is in at one moment."""

    customer_ref: str
    lifecycle: Lifecycle
    special: bool
    abc: AbcClass
    rfm: RfmScores | None
    typology: Typology | None

    @property
    def strategic(self) -> bool:
        """A customers are the strategic ones (seed 002 B2)."""
        return self.abc is AbcClass.A

    @property
    def labels(self) -> frozenset[str]:
        """The classes a listing filters by: lifecycle, ABC class and ``special`` when flagged."""
        labels = {self.lifecycle.value, self.abc.value}
        if self.special:
            labels.add("special")
        return frozenset(labels)


def classify_customers(
    customers: Iterable[CustomerFacts],
    purchases: Iterable[Purchase],
    as_of: datetime,
    windows: ClassificationWindows | None = None,
) -> dict[str, Classification]:
    """Classify every customer at ``as_of``; purchases after ``as_of`` are ignored.

    ABC is over the purchase value of the last ``abc_months``, among the
    customers given (a customer with no such value is C).
    """
    require_aware("as_of", as_of)
    windows = windows or ClassificationWindows()
    customers = list(customers)
    refs = {customer.customer_ref for customer in customers}
    # RFM and ABC rank the customers given among themselves.
    purchases = [purchase for purchase in purchases if purchase.customer_ref in refs]
    ever = summarise_by_customer(purchases, until=as_of)
    recent = summarise_by_customer(
        purchases, until=as_of, since=shift_months(as_of, -windows.abc_months)
    )
    abc = abc_classes(
        {
            c.customer_ref: recent[c.customer_ref].value if c.customer_ref in recent else Decimal(0)
            for c in customers
        },
        windows.abc_a_share,
        windows.abc_b_share,
    )
    rfm = rfm_scores(purchases, as_of, windows)
    classified = {}
    for customer in customers:
        summary = ever.get(customer.customer_ref)
        classified[customer.customer_ref] = Classification(
            customer_ref=customer.customer_ref,
            lifecycle=lifecycle(
                customer,
                summary.first_at if summary else None,
                summary.last_at if summary else None,
                as_of,
                windows,
            ),
            special=customer.special,
            abc=abc[customer.customer_ref],
            rfm=rfm.get(customer.customer_ref),
            typology=customer.typology,
        )
    return classified


@dataclass(frozen=True)
class CensusRow:
    """Customers gained and lost in one period (seed 002 B2)."""

    period: str
    new_customers: int
    lost_customers: int

    @property
    def net(self) -> int:
        """Customers gained minus customers lost."""
        return self.new_customers - self.lost_customers


def census(
    customers: Iterable[CustomerFacts], purchases: Iterable[Purchase], by: str
) -> list[CensusRow]:
    """New against lost customers per ``month``, ``quarter`` or ``year``, oldest period first.

    A customer is new in the period of their first purchase (else of
    ``created_at``), as the "new" class counts them, and lost in the period of
    their lost mark, even when a later purchase won them back. Periods with
    neither are left out.
    """
    require_granularity(by)
    first_purchases = {
        ref: summary.first_at for ref, summary in summarise_by_customer(purchases).items()
    }
    new: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for customer in customers:
        started = first_purchases.get(customer.customer_ref) or customer.created_at
        new[period_key(started, by)] += 1
        if customer.lost is not None:
            lost[period_key(customer.lost.lost_at, by)] += 1
    return [
        CensusRow(period=key, new_customers=new[key], lost_customers=lost[key])
        for key in sorted(new.keys() | lost.keys())
    ]
