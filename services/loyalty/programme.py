"""The loyalty programme as the service runs it: its tiers, earn rules and rewards.

The tiers (thresholds, multipliers, the rolling window) and the rewards
catalogue (points cost, stock, lowest tier) come from the YAML file named by
the ``loyalty_programme`` setting; without one, the defaults below. The file
is read when the service starts (:class:`LoyaltyProgramme`): restart it
after changing the file. A reward's
``stock`` is how many there are in all; what is left is kept in the database
(see :meth:`LoyaltyStorage.ensure_stock`), so raising it adds the difference.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, fields, validate
from nameko.extensions import DependencyProvider

from clientela.config import ConfigError, Settings
from clientela.errors import InvalidInput, describe_errors, load
from clientela.services.loyalty.domain.earning import EarnRules
from clientela.services.loyalty.domain.rewards import Reward, RewardsCatalogue
from clientela.services.loyalty.domain.tiers import (
    DEFAULT_LADDER,
    DEFAULT_WINDOW_MONTHS,
    Tier,
    TierLadder,
)


@dataclass(frozen=True)
class Programme:
    """The tiers and the rewards they open."""

    ladder: TierLadder
    catalogue: RewardsCatalogue


DEFAULT_PROGRAMME = Programme(
    DEFAULT_LADDER,
    RewardsCatalogue(
        [
            Reward("COFFEE", "A coffee on the house", 150),
            Reward("VOUCHER-100", "Voucher of 100 on the next purchase", 1_000),
            Reward("VOUCHER-500", "Voucher of 500 on the next purchase", 4_500, min_tier="silver"),
            Reward("VIP-DAY", "A day with the team, all expenses paid", 9_000, min_tier="gold"),
        ],
        DEFAULT_LADDER,
    ),
)
"""Bronze from 0, silver from 1,000, gold from 5,000 points earned in 12 months; four
rewards, none limited in stock."""


class _TierSpec(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1))
    threshold = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    multiplier = fields.Decimal(load_default=Decimal(1), allow_nan=False)


class _RewardSpec(Schema):
    class Meta:
        unknown = RAISE

    code = fields.String(required=True, validate=validate.Length(min=1))
    name = fields.String(required=True, validate=validate.Length(min=1))
    cost = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    stock = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0)
    )
    min_tier = fields.String(load_default=None, allow_none=True)


class _ProgrammeFile(Schema):
    class Meta:
        unknown = RAISE

    window_months = fields.Integer(
        load_default=DEFAULT_WINDOW_MONTHS, strict=True, validate=validate.Range(min=1)
    )
    tiers = fields.List(fields.Nested(_TierSpec), required=True)
    rewards = fields.List(fields.Nested(_RewardSpec), required=True)


_PROGRAMME_FILE = _ProgrammeFile()


def programme_from(spec: Any) -> Programme:
    """The programme a parsed YAML document describes; InvalidInput naming what is wrong."""
    given = load(_PROGRAMME_FILE, spec if isinstance(spec, dict) else {})
    ladder = TierLadder([Tier(**tier) for tier in given["tiers"]], given["window_months"])
    return Programme(ladder, RewardsCatalogue([Reward(**r) for r in given["rewards"]], ladder))


@functools.lru_cache(maxsize=4)
def load_programme(path: str) -> Programme:
    """The programme in YAML file ``path`` (the defaults when empty); ConfigError naming the
    file and what is wrong in it."""
    if not path:
        return DEFAULT_PROGRAMME
    try:
        return programme_from(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise ConfigError(f"loyalty_programme: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"loyalty_programme: {path} is not valid YAML: {exc}") from None
    except InvalidInput as exc:
        raise ConfigError(f"loyalty_programme: {path}: {describe_errors(exc.errors)}") from None


def earn_rules(points_per_currency_unit: float) -> EarnRules:
    """The earn rules with the configured default rate (``points_per_currency_unit``)."""
    return EarnRules(points_per_currency_unit=Decimal(str(points_per_currency_unit)))


class LoyaltyProgramme(DependencyProvider):
    """Gives each worker the programme of the ``loyalty_programme`` setting, read when the
    service starts: a wrong file stops the service from starting, naming what is wrong."""

    def setup(self) -> None:
        self.programme = load_programme(
            Settings.from_nameko(self.container.config).loyalty_programme
        )

    def get_dependency(self, worker_ctx: Any) -> Programme:
        return self.programme
