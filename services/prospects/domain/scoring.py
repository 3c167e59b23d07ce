"""Profile completeness (I3) and qualification score: plain Python, rules visible to users."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from clientela.rules import Profile, QualificationRule
from clientela.services.prospects.domain.normalise import fold

log = logging.getLogger(__name__)

DECISION_TITLES = (
    "director",
    "directora",
    "gerente",
    "manager",
    "head",
    "jefe",
    "jefa",
    "ceo",
    "cfo",
    "coo",
    "cto",
    "owner",
    "founder",
    "dueno",
    "duena",
    "propietario",
    "propietaria",
    "socio",
    "socia",
    "presidente",
    "presidenta",
    "president",
    "vp",
)
POSITIVE_OUTCOMES = frozenset({"interested", "proposal_sent", "agreed"})
NEGATIVE_OUTCOMES = frozenset({"not_interested"})


def _present(profile: Profile, part: str) -> bool:
    if part == "name":
        return bool(profile.get("first_name") or profile.get("last_name"))
    return bool(profile.get(part))


def completeness(profile: Profile, weights: Mapping[str, float]) -> float:
    """The weighted share (0-100, two decimals) of the weighed profile parts present.

    Values are validated before they are stored, so a part present is a part valid.
    """
    total = sum(weights.values())
    present = sum(weight for part, weight in weights.items() if _present(profile, part))
    return round(present * 100 / total, 2)


class DecisionMaker(QualificationRule):
    """Positions that decide purchases."""

    name = "decision_maker"
    description = "the position reads like a decision maker (director, gerente, owner, CEO...)"
    points = 20

    def score(self, profile: Profile) -> int:
        words = set(fold(profile.get("position") or "").split())
        return self.points if words & set(DECISION_TITLES) else 0


class NeedsStated(QualificationRule):
    """A stated need or interest."""

    name = "needs_stated"
    description = "the person told us what they need or are interested in"
    points = 20

    def score(self, profile: Profile) -> int:
        return self.points if profile.get("needs") else 0


class Reachable(QualificationRule):
    """Two ways to reach the person."""

    name = "reachable"
    description = "both an e-mail address and a phone number are known"
    points = 10

    def score(self, profile: Profile) -> int:
        return self.points if profile.get("email") and profile.get("phone") else 0


class ConsentGiven(QualificationRule):
    """Recorded consent to be contacted."""

    name = "consent_given"
    description = "the person consented to be contacted (what, when and how recorded)"
    points = 10

    def score(self, profile: Profile) -> int:
        return self.points if profile.get("consent") else 0


class Referred(QualificationRule):
    """A customer's referral."""

    name = "referred"
    description = "a customer referred the person (referrer or referral code)"
    points = 15

    def score(self, profile: Profile) -> int:
        referred = any(
            origin.get("referrer") or origin.get("referral_code")
            for origin in profile.get("origins") or ()
        )
        return self.points if referred else 0


class Engaged(QualificationRule):
    """How the interactions went."""

    name = "engaged"
    description = (
        "10 per interaction that went well (interested, proposal_sent, agreed), up to 30; "
        "-30 once the person said not_interested"
    )
    points = 30

    def score(self, profile: Profile) -> int:
        outcomes = [i.get("outcome") for i in profile.get("interactions") or ()]
        if any(outcome in NEGATIVE_OUTCOMES for outcome in outcomes):
            return -self.points
        return min(self.points, 10 * sum(outcome in POSITIVE_OUTCOMES for outcome in outcomes))


BUILT_IN_RULES: tuple[QualificationRule, ...] = (
    DecisionMaker(),
    NeedsStated(),
    Reachable(),
    ConsentGiven(),
    Referred(),
    Engaged(),
)


class Qualifier:
    """Every qualification rule, built-in ones replaced by plugin rules of the same name."""

    def __init__(self, plugin_rules: Mapping[str, QualificationRule] | None = None) -> None:
        rules = {rule.name: rule for rule in BUILT_IN_RULES}
        rules.update(plugin_rules or {})
        self.rules: dict[str, QualificationRule] = rules

    def score(self, profile: Profile) -> int:
        """The sum of every rule's points (each clamped to its range), kept in 0-100."""
        total = 0
        for name, rule in self.rules.items():
            try:
                total += max(-rule.points, min(rule.points, int(rule.score(profile))))
            except Exception:
                log.exception("qualification rule failed", extra={"rule": name})
        return max(0, min(100, total))

    def describe(self) -> list[dict[str, object]]:
        """Every rule with its points and description, for users."""
        return [
            {"name": name, "points": rule.points, "description": rule.description}
            for name, rule in self.rules.items()
        ]
