"""The rewards catalogue and the rules of redeeming points for a reward."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from clientela.checks import invalid, raise_problems, require_text, whole_number_problem
from clientela.errors import Conflict, NotFound
from clientela.services.loyalty.domain.journal import JournalEntry, PointsJournal
from clientela.services.loyalty.domain.tiers import TierLadder


@dataclass(frozen=True)
class Reward:
    """A reward worth ``cost`` points.

    ``min_tier``: the lowest tier that may redeem it (None: every tier).
    ``stock``: how many are left (None: no limit).
    """

    code: str
    name: str
    cost: int
    min_tier: str | None = None
    stock: int | None = None

    def __post_init__(self) -> None:
        require_text("code", self.code)
        require_text("name", self.name)
        raise_problems(
            {
                "cost": whole_number_problem(self.cost, 1),
                "stock": None if self.stock is None else whole_number_problem(self.stock, 0),
            }
        )


class RewardsCatalogue:
    """The rewards on offer, by code."""

    def __init__(self, rewards: Iterable[Reward], ladder: TierLadder) -> None:
        self.ladder = ladder
        self._rewards: dict[str, Reward] = {}
        for reward in rewards:
            if reward.code in self._rewards:
                raise invalid("code", f"Reward {reward.code} is in the catalogue twice.")
            if reward.min_tier is not None:
                ladder.named(reward.min_tier)
            self._rewards[reward.code] = reward

    def __iter__(self) -> Iterator[Reward]:
        return iter(self._rewards.values())

    def get(self, code: str) -> Reward:
        """The reward ``code``; NotFound when the catalogue has none."""
        try:
            return self._rewards[code]
        except KeyError:
            raise NotFound(f"reward: no reward {code} in the catalogue") from None

    def open_to(self, tier: str) -> list[Reward]:
        """The rewards a customer in ``tier`` may redeem (stock aside), cheapest first."""
        return sorted(
            (r for r in self._rewards.values() if self.allows(r, tier)),
            key=lambda reward: (reward.cost, reward.code),
        )

    def allows(self, reward: Reward, tier: str) -> bool:
        """Whether a customer in ``tier`` may redeem ``reward``."""
        return reward.min_tier is None or self.ladder.reaches(tier, reward.min_tier)


@dataclass(frozen=True)
class Redemption:
    """A reward redeemed: the journal entries written and the reward as it is now."""

    reward: Reward
    entries: list[JournalEntry]


def redeem_reward(
    journal: PointsJournal,
    catalogue: RewardsCatalogue,
    code: str,
    tier: str,
    source: str,
    at: datetime,
) -> Redemption:
    """Redeem reward ``code`` for a customer in ``tier``, idempotent on ``source``.

    Refused with Conflict when the reward is reserved to a higher tier, out of
    stock, or costs more than the balance. A replayed ``source`` writes nothing
    and takes no stock.
    """
    reward = catalogue.get(code)
    if journal.has(source):
        return Redemption(reward, [])
    if not catalogue.allows(reward, tier):
        raise Conflict(f"reward: {code} is for {reward.min_tier} customers and above, not {tier}")
    if reward.stock == 0:
        raise Conflict(f"reward: {code} is out of stock")
    entries = journal.redeem(source, reward.cost, at, f"reward {code}: {reward.name}")
    taken = reward if reward.stock is None else replace(reward, stock=reward.stock - 1)
    return Redemption(taken, entries)
