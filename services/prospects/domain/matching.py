"""Recognising the same person: the built-in match rules and the matcher applying all rules.

Plain Python, no I/O. A profile's *match keys* (``<rule>:<key>``) are stored
and indexed; candidates for a lead are the profiles sharing one of its keys,
judged by the rules behind the shared keys: a rule whose outcome is ``merge``
makes them one profile, one whose outcome is ``suggest`` makes them a possible
duplicate for an operator to review.

Only strong evidence merges: the same e-mail address, or the same phone number
with a *compatible name* (see :func:`compatible_names`). Two records whose
e-mails differ and whose phones differ, counting every e-mail and phone each
carries from earlier captures and merges, are never merged, whatever rule
matched them: they are suggested. A phone number, or a role address such as
``info@``, carried by people with clearly different names is a *shared line*
(a company's switchboard or mailbox): it matches nobody.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from clientela.rules import MERGE, OUTCOMES, SUGGEST, MatchRule, Profile
from clientela.services.prospects.domain.normalise import fold

log = logging.getLogger(__name__)

NAME_SIMILARITY_THRESHOLD = 0.85
"""How alike two full names must be (0-1) to be taken for one person's."""

SURNAME_BLOCK_LETTERS = 3
"""Letters of the surname in the close-name block: "Ruiz" and "Ruis" share "rui"."""

ROLE_MAILBOXES = frozenset(
    {
        "admin",
        "administracion",
        "atencion",
        "atencionaclientes",
        "clientes",
        "comercial",
        "compras",
        "contact",
        "contacto",
        "direccion",
        "eventos",
        "facturacion",
        "gerencia",
        "hello",
        "hola",
        "info",
        "informacion",
        "marketing",
        "office",
        "oficina",
        "pedidos",
        "recepcion",
        "rrhh",
        "sales",
        "soporte",
        "support",
        "ventas",
    }
)
"""Mailboxes of a company rather than of a person (the part before ``@``)."""

MOST_NAMES_COMPARED = 20
"""A line carried by more distinct names than this is shared without comparing them all."""

_DIGITS = re.compile(r"\d+")


def full_name(profile: Profile) -> str:
    """First and last name, folded (lower-case ASCII words)."""
    return fold(f"{profile.get('first_name') or ''} {profile.get('last_name') or ''}")


def name_similarity(a: str, b: str) -> float:
    """1.0 when one full name contains the other's words, else the strings' similarity ratio.

    "Ana Ruiz" and "Ana María Ruiz Gómez" are 1.0; "Ana Ruiz" and "Anna Ruiz"
    0.94. Names carrying different numbers ("Persona1", "Persona2") are 0.0:
    a number is never a typo.
    """
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b or _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    shorter, longer = sorted((set(words_a), set(words_b)), key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return 1.0
    return SequenceMatcher(None, " ".join(words_a), " ".join(words_b)).ratio()


def names_alike(a: str, b: str) -> bool:
    """Whether two folded full names can be one person's.

    Either every word of the shorter is in the longer, and it has two words or
    its one word is the longer's first ("Juan Pérez" / "Juan Carlos Pérez",
    "Luis" / "Luis Ramírez"); or both start with the same letter and are at
    least :data:`NAME_SIMILARITY_THRESHOLD` alike ("Ana Ruiz" / "Anna Ruiz").
    "Luis" / "Luisa Ramírez" and "Ana Ruiz" / "Ana Pérez" are not alike.
    """
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    if set(shorter) <= set(longer) and (len(shorter) >= 2 or shorter[0] == longer[0]):
        return _DIGITS.findall(a) == _DIGITS.findall(b)
    return a[0] == b[0] and name_similarity(a, b) >= NAME_SIMILARITY_THRESHOLD


def compatible_names(a: Profile, b: Profile) -> bool:
    """Whether two profiles' names allow them to be one person: one has none, or they are alike."""
    name_a, name_b = full_name(a), full_name(b)
    return not name_a or not name_b or names_alike(name_a, name_b)


def clearly_different(names: Iterable[str]) -> bool:
    """Whether some two of these folded full names cannot be one person's (blanks ignored)."""
    distinct = sorted({name for name in names if name})
    if len(distinct) > MOST_NAMES_COMPARED:
        return True
    return any(not names_alike(a, b) for a, b in combinations(distinct, 2))


def role_address(email: str) -> bool:
    """Whether ``email`` is a company's mailbox (``info@``, ``ventas@``...), not a person's."""
    mailbox = email.partition("@")[0].partition("+")[0]
    return fold(mailbox).replace(" ", "") in ROLE_MAILBOXES


def is_contact_line(key: str) -> bool:
    """Whether the match key ``key`` is a line people may share: a phone or a role address."""
    rule, _, value = key.partition(":")
    return rule == SamePhone.name or (rule == SameEmail.name and role_address(value))


DIFFERENT_IDENTIFIERS = "different e-mails and different phones: never merged automatically"
"""Why two records whose identifiers conflict are only suggested."""


def identifiers_conflict(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two sides' e-mails differ and their phones differ, given each side's match keys.

    Every e-mail and phone a side carries counts (a profile's keys hold those
    of all its captures, not only its main ``email`` and ``phone``): sharing
    one ``same_email`` or ``same_phone`` key is no conflict, and a side with no
    e-mail (or no phone) conflicts with nobody on it. Leave shared lines out of
    the keys: a company's line says nothing about who a person is.
    """
    keys_a, keys_b = set(a), set(b)
    for rule in (SameEmail.name, SamePhone.name):
        mine = {key for key in keys_a if key.partition(":")[0] == rule}
        theirs = {key for key in keys_b if key.partition(":")[0] == rule}
        if not mine or not theirs or mine & theirs:
            return False
    return True


class SameEmail(MatchRule):
    """One e-mail address, one person; a role address also needs a compatible name."""

    name = "same_email"
    description = (
        "the same e-mail address (case and spaces ignored); a role address (info@, ventas@, "
        "contacto@...) also needs a compatible name"
    )
    outcome = MERGE

    def keys(self, profile: Profile) -> Iterable[str]:
        return [profile["email"]] if profile.get("email") else []

    def matches(self, incoming: Profile, candidate: Profile) -> bool:
        return not role_address(incoming.get("email") or "") or compatible_names(
            incoming, candidate
        )


class SamePhone(MatchRule):
    """One phone number and a compatible name, one person."""

    name = "same_phone"
    description = (
        "the same phone number (compared in E.164) and a compatible name: one side has none, "
        "or every word of the shorter is in the longer, or they start alike and are at least "
        f"{NAME_SIMILARITY_THRESHOLD:.0%} alike"
    )
    outcome = MERGE

    def keys(self, profile: Profile) -> Iterable[str]:
        return [profile["phone"]] if profile.get("phone") else []

    def matches(self, incoming: Profile, candidate: Profile) -> bool:
        return compatible_names(incoming, candidate)


class CloseNameAtCompany(MatchRule):
    """Nearly the same full name at one company: "Ana Ruiz" and "Anna Ruiz" at Textiles Ruiz."""

    name = "close_name_at_company"
    description = (
        f"a full name at least {NAME_SIMILARITY_THRESHOLD:.0%} alike, or one containing the "
        "other, with the same initial and a surname starting alike at the same company (legal "
        "suffixes, case and accents ignored)"
    )
    outcome = SUGGEST

    def keys(self, profile: Profile) -> Iterable[str]:
        """The blocks of the company, the surname's first letters and a first name's initial.

        The surname is the first word of ``last_name`` (the paternal one of
        two), or the last word of a full name given as first name only; each
        word of the first name gives a block ("Ana María": ``a`` and ``m``, so
        "María Ruiz" is compared with "Ana María Ruiz"). Alike names start
        with the same letter (see :func:`names_alike`), so a company of
        hundreds of visitors splits into blocks of a few each.
        """
        words = full_name(profile).split()
        if not profile.get("company_key") or len(words) < 2:
            return []
        surname = (fold(profile.get("last_name") or "").split() or words[-1:])[0]
        initials = sorted({word[0] for word in fold(profile.get("first_name") or "").split()})
        prefix = f"{profile['company_key']}|{surname[:SURNAME_BLOCK_LETTERS]}"
        return [f"{prefix}|{initial}" for initial in initials or [words[0][0]]]

    def matches(self, incoming: Profile, candidate: Profile) -> bool:
        return names_alike(full_name(incoming), full_name(candidate))


IDENTITY_POLICY: tuple[str, ...] = (
    "Merged automatically only on strong evidence: a rule whose outcome is merge, and "
    "never two records whose e-mails differ and whose phones differ, counting every e-mail "
    "and phone each carries from earlier captures and merges (those are suggested).",
    "Compatible names: one side has none, or every word of the shorter is in the longer "
    "(one word only if it is the first name), or both start with the same letter and are "
    f"at least {NAME_SIMILARITY_THRESHOLD:.0%} alike; names with different numbers never are. "
    "'Luis' and 'Luisa Ramírez' are not compatible.",
    "Shared lines: a phone, or a role address (info@, ventas@, contacto@...), carried by "
    "people with clearly different names is a company's line; it matches nobody from then "
    "on and is listed by `clientela duplicates`.",
    "Possible duplicates (rules whose outcome is suggest) go to the review list, "
    "`clientela duplicates`, with a score (how alike the names are) and the reasons; a pair "
    "dismissed there, or undone with unmerge, is never suggested again.",
)
"""How identity is decided, in words, for ``clientela rules``."""

BUILT_IN_RULES: tuple[MatchRule, ...] = (SameEmail(), SamePhone(), CloseNameAtCompany())


@dataclass(frozen=True)
class Verdict:
    """What the rules make of a lead and a candidate: merge them, or suggest the pair, and why."""

    outcome: str
    rules: tuple[str, ...]
    score: float
    reasons: tuple[str, ...]


class Matcher:
    """Every match rule, built-in ones replaced by plugin rules of the same name."""

    def __init__(self, plugin_rules: Mapping[str, MatchRule] | None = None) -> None:
        rules = {rule.name: rule for rule in BUILT_IN_RULES}
        for name, rule in (plugin_rules or {}).items():
            if ":" in name:
                log.error("match rule ignored: its name contains ':'", extra={"rule": name})
            elif getattr(rule, "outcome", None) not in OUTCOMES:
                log.error(
                    "match rule ignored: its outcome is not one of %s",
                    ", ".join(OUTCOMES),
                    extra={"rule": name},
                )
            else:
                rules[name] = rule
        self.rules: dict[str, MatchRule] = rules

    def keys(self, profile: Profile) -> list[str]:
        """The match keys of ``profile``, ``<rule>:<key>``; a failing rule contributes none."""
        found: list[str] = []
        for name, rule in self.rules.items():
            try:
                keys = rule.keys(profile)
                keys = [keys] if isinstance(keys, str) else [str(key) for key in keys]
            except Exception:
                log.exception("match rule failed", extra={"rule": name})
                continue
            found.extend(f"{name}:{key}" for key in keys if key)
        return found

    def outcome(self, key: str) -> str | None:
        """The outcome of the rule behind match key ``key`` (None for a rule no longer known)."""
        rule = self.rules.get(key.partition(":")[0])
        return rule.outcome if rule is not None else None

    def judge(
        self,
        incoming: Profile,
        candidate: Profile,
        shared: Iterable[str],
        carried: tuple[Iterable[str], Iterable[str]],
    ) -> Verdict | None:
        """What the rules behind the ``shared`` keys make of the two; None when none matches.

        ``carried`` are the match keys of each side (shared lines left out). A
        ``merge`` rule's match is only suggested when their identifiers
        conflict (see :func:`identifiers_conflict`).
        """
        confirmed = []
        for rule_name in sorted({key.partition(":")[0] for key in shared}):
            rule = self.rules.get(rule_name)
            try:
                if rule is not None and rule.matches(incoming, candidate):
                    confirmed.append(rule)
            except Exception:
                log.exception("match rule failed", extra={"rule": rule_name})
        if not confirmed:
            return None
        conflict = identifiers_conflict(*carried)
        merge = not conflict and any(rule.outcome == MERGE for rule in confirmed)
        reasons = [f"{rule.name}: {rule.description or rule.name}" for rule in confirmed]
        if conflict:
            reasons.append(DIFFERENT_IDENTIFIERS)
        return Verdict(
            MERGE if merge else SUGGEST,
            tuple(rule.name for rule in confirmed),
            round(name_similarity(full_name(incoming), full_name(candidate)), 2),
            tuple(reasons),
        )

    def describe(self) -> list[dict[str, str]]:
        """Every rule with its outcome and description, for users."""
        return [
            {"name": name, "outcome": rule.outcome, "description": rule.description}
            for name, rule in self.rules.items()
        ]


def judge_among(
    matcher: Matcher,
    incoming: Profile,
    keys: Iterable[str],
    candidates: Iterable[tuple[Profile, Iterable[str]]],
) -> list[tuple[Profile, Verdict]]:
    """The candidates (each a rule view with its match keys) some rule matches with ``incoming``.

    A candidate must share a key with ``keys`` and be matched by a rule behind
    a shared key; each comes with the verdict. ``keys`` and each candidate's
    keys are all the keys of each side, shared lines left out.
    """
    wanted = set(keys)
    found = []
    for candidate, candidate_keys in candidates:
        shared = wanted.intersection(candidate_keys)
        verdict = (
            matcher.judge(incoming, candidate, shared, (wanted, candidate_keys)) if shared else None
        )
        if verdict is not None:
            found.append((candidate, verdict))
    return found
