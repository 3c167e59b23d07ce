"""Recognising the same person: the built-in match rules and the matcher applying all rules.

Plain Python, no I/O. A profile's *match keys* (``<rule>:<key>``) are stored
and indexed; candidates for a lead are the profiles sharing one of its keys,
confirmed by the rule that produced the shared key.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

from clientela.rules import MatchRule, Profile
from clientela.services.prospects.normalise import fold

log = logging.getLogger(__name__)

NAME_SIMILARITY_THRESHOLD = 0.85
"""How alike two full names must be (0-1) to be one person at the same company."""


def full_name(profile: Profile) -> str:
    """First and last name, folded (lower-case ASCII words)."""
    return fold(f"{profile.get('first_name') or ''} {profile.get('last_name') or ''}")


def name_similarity(a: str, b: str) -> float:
    """1.0 when one full name contains the other's words, else the strings' similarity ratio.

    "Ana Ruiz" and "Ana María Ruiz Gómez" are 1.0; "Ana Ruiz" and "Anna Ruiz" 0.94.
    """
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b:
        return 0.0
    shorter, longer = sorted((set(words_a), set(words_b)), key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return 1.0
    return SequenceMatcher(None, " ".join(words_a), " ".join(words_b)).ratio()


class SameEmail(MatchRule):
    """One e-mail address, one person."""

    name = "same_email"
    description = "the same e-mail address (case and spaces ignored)"

    def keys(self, profile: Profile) -> Iterable[str]:
        return [profile["email"]] if profile.get("email") else []


class SamePhone(MatchRule):
    """One phone number, one person."""

    name = "same_phone"
    description = "the same phone number (compared in E.164)"

    def keys(self, profile: Profile) -> Iterable[str]:
        return [profile["phone"]] if profile.get("phone") else []


class CloseNameAtCompany(MatchRule):
    """Nearly the same full name at one company: "Ana Ruiz" and "Anna Ruiz" at Textiles Ruiz."""

    name = "close_name_at_company"
    description = (
        f"a full name at least {NAME_SIMILARITY_THRESHOLD:.0%} alike, or one containing the "
        "other, with the same surname initial at the same company (legal suffixes, case and "
        "accents ignored)"
    )

    def keys(self, profile: Profile) -> Iterable[str]:
        """The block of the company and the surname's initial.

        The surname is the first word of ``last_name`` (the paternal one of
        two), or the last word of a full name given as first name only.
        """
        words = full_name(profile).split()
        if not profile.get("company_key") or len(words) < 2:
            return []
        surname = (fold(profile.get("last_name") or "").split() or words[-1:])[0]
        return [f"{profile['company_key']}|{surname[0]}"]

    def matches(self, incoming: Profile, candidate: Profile) -> bool:
        similarity = name_similarity(full_name(incoming), full_name(candidate))
        return similarity >= NAME_SIMILARITY_THRESHOLD


BUILT_IN_RULES: tuple[MatchRule, ...] = (SameEmail(), SamePhone(), CloseNameAtCompany())


class Matcher:
    """Every match rule, built-in ones replaced by plugin rules of the same name."""

    def __init__(self, plugin_rules: Mapping[str, MatchRule] | None = None) -> None:
        rules = {rule.name: rule for rule in BUILT_IN_RULES}
        for name, rule in (plugin_rules or {}).items():
            if ":" in name:
                log.error("match rule ignored: its name contains ':'", extra={"rule": name})
            else:
                rules[name] = rule
        self.rules: dict[str, MatchRule] = rules

    def keys(self, profile: Profile) -> list[str]:
        """The match keys of ``profile``, ``<rule>:<key>``; a failing rule contributes none."""
        found = []
        for name, rule in self.rules.items():
            try:
                keys = rule.keys(profile)
                keys = [keys] if isinstance(keys, str) else [str(key) for key in keys]
            except Exception:
                log.exception("match rule failed", extra={"rule": name})
                continue
            found.extend(f"{name}:{key}" for key in keys if key)
        return found

    def same_person(self, incoming: Profile, candidate: Profile, shared: Iterable[str]) -> bool:
        """Whether a rule behind one of the ``shared`` keys confirms the two are one person."""
        for rule_name in {key.partition(":")[0] for key in shared}:
            rule = self.rules.get(rule_name)
            try:
                if rule is not None and rule.matches(incoming, candidate):
                    return True
            except Exception:
                log.exception("match rule failed", extra={"rule": rule_name})
        return False

    def describe(self) -> list[dict[str, str]]:
        """Every rule with its description, for users."""
        return [
            {"name": name, "description": rule.description} for name, rule in self.rules.items()
        ]


def same_person_among(
    matcher: Matcher,
    incoming: Profile,
    keys: Iterable[str],
    candidates: Iterable[tuple[Profile, Iterable[str]]],
) -> list[Profile]:
    """The candidates (each a rule view with its match keys) that are ``incoming``'s person.

    A candidate must share a key with ``keys`` and be confirmed by a rule behind
    a shared key.
    """
    wanted = set(keys)
    found = []
    for candidate, candidate_keys in candidates:
        shared = wanted.intersection(candidate_keys)
        if shared and matcher.same_person(incoming, candidate, shared):
            found.append(candidate)
    return found
