"""Recognising the same person (services/prospects/matching.py)."""

import logging

import pytest

from clientela.rules import MatchRule
from clientela.services.prospects.matching import (
    CloseNameAtCompany,
    Matcher,
    SameEmail,
    SamePhone,
    name_similarity,
    same_person_among,
)
from clientela.services.prospects.normalise import Lead
from clientela.services.prospects.profiles import lead_view, rule_view


def view(source="fairs", **fields):
    """A lead, already normalised, as match rules see it."""
    return lead_view(Lead(fields), source)


def plain(**values):
    """A rule view (the keys of clientela.rules), blanks where not given."""
    return {**rule_view({}), **values}


ANA = view(
    first_name="Ana",
    last_name="Ruiz",
    email="ana@textilesruiz.mx",
    phone="+525511112222",
    company="Textiles Ruiz SA",
)


# --- name similarity ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ana ruiz", "ana ruiz"),
        ("ana ruiz", "ana maria ruiz gomez"),
        ("ana maria ruiz gomez", "ana ruiz"),
        ("ana ruiz", "ruiz ana"),
    ],
)
def test_a_name_whose_words_are_all_in_the_other_is_fully_similar(a, b):
    assert name_similarity(a, b) == 1.0


@pytest.mark.parametrize(
    ("a", "b"), [("ana ruiz", "anna ruiz"), ("ana ruiz", "ana ruis"), ("maria ruiz", "mario ruiz")]
)
def test_a_typo_is_highly_similar(a, b):
    assert 0.85 <= name_similarity(a, b) < 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [("ana ruiz", "pedro lopez"), ("ana ruiz", "ana perez"), ("ana", "ana ruiz")],
)
def test_different_names_are_not_similar_enough(a, b):
    # a single word contained in a longer name is not enough either
    assert name_similarity(a, b) < 0.85


@pytest.mark.parametrize(("a", "b"), [("", ""), ("ana ruiz", ""), ("", "ana ruiz")])
def test_an_empty_name_is_similar_to_nothing(a, b):
    assert name_similarity(a, b) == 0.0


# --- built-in rules' keys -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "profile", "keys"),
    [
        (SameEmail(), view(email="ana@x.mx"), ["ana@x.mx"]),
        (SameEmail(), view(phone="+525511112222"), []),
        (SamePhone(), view(phone="+525511112222"), ["+525511112222"]),
        (SamePhone(), view(email="ana@x.mx"), []),
        (
            CloseNameAtCompany(),
            view(first_name="Ana", last_name="Ruiz", company="Textiles Ruiz, S.A. de C.V."),
            ["textiles ruiz|r"],
        ),
        (
            CloseNameAtCompany(),
            view(first_name="Ana María Ruiz", company="TEXTILES RUIZ"),
            ["textiles ruiz|r"],
        ),
        (
            CloseNameAtCompany(),
            view(first_name="Ángela", last_name="Ortiz Ávila", company="Textiles Ruiz"),
            ["textiles ruiz|o"],
        ),
        (CloseNameAtCompany(), view(first_name="Ana", last_name="Ruiz"), []),
        (CloseNameAtCompany(), view(first_name="Ana", company="Textiles Ruiz"), []),
        (CloseNameAtCompany(), plain(first_name="Ana", last_name="Ruiz", company_key=""), []),
    ],
    ids=[
        "email",
        "email-absent",
        "phone",
        "phone-absent",
        "name-at-company",
        "two-words-in-first-name",
        "accents-folded",
        "name-without-company",
        "one-name-word",
        "plain-dict-without-company-key",
    ],
)
def test_built_in_rule_keys(rule, profile, keys):
    assert list(rule.keys(profile)) == keys


@pytest.mark.parametrize("rule", [SameEmail(), SamePhone()])
def test_exact_rules_confirm_any_candidate_sharing_their_key(rule):
    assert rule.matches(ANA, view(first_name="Somebody", last_name="Else"))


def test_matcher_keys_are_namespaced_by_rule():
    assert Matcher().keys(ANA) == [
        "same_email:ana@textilesruiz.mx",
        "same_phone:+525511112222",
        "close_name_at_company:textiles ruiz|r",
    ]


def test_a_name_contained_in_another_shares_a_block_and_matches():
    maria = view(first_name="María", last_name="Ruiz", company="Textiles Ruiz")
    ana_maria = view(first_name="Ana María", last_name="Ruiz", company="TEXTILES RUIZ SA")

    assert among(ana_maria, maria) == [maria]


def test_a_plugin_rule_returning_one_string_gives_one_key():
    class TaxId(MatchRule):
        name = "tax_id"

        def keys(self, profile):
            return "RUOA800101"

    assert Matcher({"tax_id": TaxId()}).keys(view())[-1] == "tax_id:RUOA800101"


def test_matcher_describes_every_built_in_rule():
    described = Matcher().describe()

    assert [rule["name"] for rule in described] == [
        "same_email",
        "same_phone",
        "close_name_at_company",
    ]
    assert all(rule["description"] for rule in described)


# --- plugin rules -------------------------------------------------------------------------


class SameEmailDomain(MatchRule):
    """A plugin replacing same_email: one e-mail domain, one person (a deliberately odd rule)."""

    name = "same_email"
    description = "the same e-mail domain"

    def keys(self, profile):
        return [profile["email"].partition("@")[2]] if profile.get("email") else []


class Broken(MatchRule):
    name = "broken"
    description = "always fails"

    def keys(self, profile):
        raise RuntimeError("boom")

    def matches(self, incoming, candidate):
        raise RuntimeError("boom")


class BrokenConfirmation(MatchRule):
    """Produces keys but fails to confirm."""

    name = "broken_confirmation"

    def keys(self, profile):
        return ["everyone"]

    def matches(self, incoming, candidate):
        raise RuntimeError("boom")


def test_a_plugin_rule_replaces_the_built_in_rule_of_the_same_name():
    matcher = Matcher({"same_email": SameEmailDomain()})

    assert matcher.keys(ANA)[0] == "same_email:textilesruiz.mx"
    assert "same_email:ana@textilesruiz.mx" not in matcher.keys(ANA)
    assert [rule["name"] for rule in matcher.describe()] == [
        "same_email",
        "same_phone",
        "close_name_at_company",
    ]
    assert matcher.describe()[0]["description"] == "the same e-mail domain"


def test_a_plugin_rule_with_a_new_name_is_added():
    matcher = Matcher({"broken_confirmation": BrokenConfirmation()})

    assert matcher.keys(ANA)[-1] == "broken_confirmation:everyone"
    assert len(matcher.describe()) == 4


def test_a_raising_rule_contributes_no_keys_and_does_not_raise(caplog):
    with caplog.at_level(logging.ERROR):
        keys = Matcher({"broken": Broken()}).keys(ANA)

    assert keys == Matcher().keys(ANA)
    assert "match rule failed" in caplog.text


def test_a_raising_rule_confirms_no_match_and_does_not_raise():
    matcher = Matcher({"broken_confirmation": BrokenConfirmation()})
    other = view(email="pedro@x.mx")

    found = same_person_among(matcher, ANA, matcher.keys(ANA), [(other, matcher.keys(other))])

    assert found == []


def test_a_raising_replacement_of_a_built_in_rule_disables_it():
    matcher = Matcher({"same_email": type("BrokenEmail", (Broken,), {"name": "same_email"})()})
    again = view(email="ana@textilesruiz.mx")

    assert matcher.keys(again) == []
    assert matcher.same_person(again, ANA, ["same_email:ana@textilesruiz.mx"]) is False


def test_a_shared_key_of_a_rule_no_longer_known_confirms_nothing():
    assert Matcher().same_person(ANA, ANA, ["retired_rule:whatever"]) is False


# --- same_person_among ----------------------------------------------------------------------


def among(incoming, *profiles):
    """The ``profiles`` the built-in rules take for ``incoming``'s person."""
    matcher = Matcher()
    found = [(profile, matcher.keys(profile)) for profile in profiles]
    return same_person_among(matcher, incoming, matcher.keys(incoming), found)


@pytest.mark.parametrize(
    "incoming",
    [
        view(email="ana@textilesruiz.mx", first_name="Someone"),
        view(phone="+525511112222"),
        view(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ"),
        view(first_name="Ana María", last_name="Ruiz Gómez", company="Textiles Ruiz, S.A. de C.V."),
    ],
    ids=["same-email", "same-phone", "typo-at-same-company", "fuller-name-at-same-company"],
)
def test_a_candidate_sharing_a_key_confirmed_by_its_rule_matches(incoming):
    assert among(incoming, ANA) == [ANA]


def test_ana_ruiz_and_anna_ruiz_at_two_spellings_of_one_company_are_one_person():
    anna = view(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ", email="anna@y.mx")
    ana = view(first_name="Ana", last_name="Ruiz", company="Textiles Ruiz SA", email="ana@x.mx")

    assert among(anna, ana) == [ana]


def test_same_company_block_but_different_names_is_no_match():
    alberto = view(first_name="Alberto", last_name="Romero", company="Textiles Ruiz")
    assert set(Matcher().keys(alberto)) & set(Matcher().keys(ANA))  # they do share a block

    assert among(alberto, ANA) == []


@pytest.mark.parametrize(
    "incoming",
    [
        view(first_name="Ana", last_name="Ruiz", company="Textiles López"),
        view(first_name="Ana", last_name="Ruiz"),
        view(email="ana@otro.mx", phone="+525599998888"),
    ],
    ids=["same-name-other-company", "same-name-no-company", "other-email-and-phone"],
)
def test_a_candidate_sharing_no_key_is_no_match(incoming):
    assert among(incoming, ANA) == []


def test_a_candidate_whose_rule_would_confirm_still_needs_a_shared_key():
    # the candidate's keys say nothing in common, so even "same e-mail" does not look at it
    matcher = Matcher()
    incoming = view(email="ana@textilesruiz.mx")

    assert same_person_among(matcher, incoming, matcher.keys(incoming), [(ANA, [])]) == []


def test_only_the_confirmed_candidates_are_returned_in_order():
    anna = view(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ")
    alberto = view(first_name="Alberto", last_name="Romero", company="Textiles Ruiz")
    by_phone = view(phone="+525511112222", first_name="Ana")
    incoming = view(
        first_name="Ana", last_name="Ruiz", company="Textiles Ruiz", phone="+525511112222"
    )

    assert among(incoming, anna, alberto, by_phone) == [anna, by_phone]


def test_plain_dict_views_match_like_lead_views():
    incoming = plain(first_name="Anna", last_name="Ruiz", company_key="textiles ruiz")
    candidate = plain(first_name="Ana", last_name="Ruiz", company_key="textiles ruiz")

    assert among(incoming, candidate) == [candidate]
