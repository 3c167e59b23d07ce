"""Recognising the same person (services/prospects/domain/matching.py)."""

import logging

import pytest

from clientela.rules import MERGE, SUGGEST, MatchRule
from clientela.services.prospects.domain.matching import (
    CloseNameAtCompany,
    Matcher,
    SameEmail,
    SamePhone,
    compatible_names,
    identifiers_conflict,
    judge_among,
    name_similarity,
    names_alike,
    role_address,
)
from clientela.services.prospects.domain.normalise import Lead
from clientela.services.prospects.domain.profiles import lead_view, rule_view


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
            ["textiles ruiz|rui|a"],
        ),
        (
            CloseNameAtCompany(),
            view(first_name="Ana María Ruiz", company="TEXTILES RUIZ"),
            ["textiles ruiz|rui|a", "textiles ruiz|rui|m", "textiles ruiz|rui|r"],
        ),
        (
            CloseNameAtCompany(),
            view(first_name="Ángela", last_name="Ortiz Ávila", company="Textiles Ruiz"),
            ["textiles ruiz|ort|a"],
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


def test_a_personal_e_mail_confirms_any_candidate_sharing_it():
    assert SameEmail().matches(ANA, view(first_name="Somebody", last_name="Else"))


def test_a_phone_confirms_only_a_candidate_with_a_compatible_name():
    assert not SamePhone().matches(ANA, view(first_name="Somebody", last_name="Else"))
    assert SamePhone().matches(ANA, view(first_name="Ana"))


def test_matcher_keys_are_namespaced_by_rule():
    assert Matcher().keys(ANA) == [
        "same_email:ana@textilesruiz.mx",
        "same_phone:+525511112222",
        "close_name_at_company:textiles ruiz|rui|a",
    ]


def test_a_name_contained_in_another_shares_a_block_and_is_suggested():
    maria = view(first_name="María", last_name="Ruiz", company="Textiles Ruiz")
    ana_maria = view(first_name="Ana María", last_name="Ruiz", company="TEXTILES RUIZ SA")

    assert suggested(ana_maria, maria) == [maria]
    assert among(ana_maria, maria) == []


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

    found = judge_among(matcher, ANA, matcher.keys(ANA), [(other, matcher.keys(other))])

    assert found == []


def test_a_raising_replacement_of_a_built_in_rule_disables_it():
    matcher = Matcher({"same_email": type("BrokenEmail", (Broken,), {"name": "same_email"})()})
    again = view(email="ana@textilesruiz.mx")

    assert matcher.keys(again) == []
    shared = ["same_email:ana@textilesruiz.mx"]
    assert matcher.judge(again, ANA, shared, (shared, shared)) is None


def test_a_shared_key_of_a_rule_no_longer_known_confirms_nothing():
    shared = ["retired_rule:whatever"]
    assert Matcher().judge(ANA, ANA, shared, (shared, shared)) is None


def test_a_plugin_rule_without_a_valid_outcome_is_ignored(caplog):
    class Maybe(SameEmailDomain):
        name = "maybe"
        outcome = "perhaps"

    with caplog.at_level(logging.ERROR):
        matcher = Matcher({"maybe": Maybe()})

    assert "maybe" not in matcher.rules
    assert "outcome" in caplog.text


def test_the_outcome_of_each_rule_is_described():
    outcomes = {rule["name"]: rule["outcome"] for rule in Matcher().describe()}

    assert outcomes == {
        "same_email": MERGE,
        "same_phone": MERGE,
        "close_name_at_company": SUGGEST,
    }


# --- judge_among ----------------------------------------------------------------------------


def judged(incoming, *profiles, matcher=None):
    matcher = matcher or Matcher()
    found = [(profile, matcher.keys(profile)) for profile in profiles]
    return judge_among(matcher, incoming, matcher.keys(incoming), found)


def among(incoming, *profiles, matcher=None):
    """The ``profiles`` the rules take for ``incoming``'s person (merged automatically)."""
    return [c for c, v in judged(incoming, *profiles, matcher=matcher) if v.outcome == MERGE]


def suggested(incoming, *profiles, matcher=None):
    """The ``profiles`` the rules suggest as ``incoming``'s possible duplicates."""
    return [c for c, v in judged(incoming, *profiles, matcher=matcher) if v.outcome == SUGGEST]


@pytest.mark.parametrize(
    "incoming",
    [
        view(email="ana@textilesruiz.mx", first_name="Someone"),
        view(email=" ANA@textilesruiz.mx ".strip().lower(), phone="+525599998888"),
        view(phone="+525511112222"),
        view(phone="+525511112222", first_name="Ana María", last_name="Ruiz"),
        view(phone="+525511112222", first_name="Anna", last_name="Ruiz", email="a@otro.mx"),
    ],
    ids=[
        "same-email-any-name",
        "same-email-other-phone",
        "same-phone-no-name",
        "same-phone-fuller-name",
        "same-phone-typo-name-other-email",
    ],
)
def test_strong_evidence_merges(incoming):
    assert among(incoming, ANA) == [ANA]


@pytest.mark.parametrize(
    "incoming",
    [
        view(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ"),
        view(first_name="Ana María", last_name="Ruiz Gómez", company="Textiles Ruiz, S.A. de C.V."),
        view(
            first_name="Anna",
            last_name="Ruiz",
            company="Textiles Ruiz",
            email="anna@y.mx",
            phone="+525533334444",
        ),
    ],
    ids=["typo-at-same-company", "fuller-name-at-same-company", "other-email-and-phone"],
)
def test_a_close_name_at_the_same_company_is_only_suggested(incoming):
    assert among(incoming, ANA) == []
    assert suggested(incoming, ANA) == [ANA]


def test_the_same_phone_with_a_clearly_different_name_is_no_match():
    assert judged(view(phone="+525511112222", first_name="Pedro", last_name="López"), ANA) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Juan", "Pérez"), ("Juan Carlos", "Pérez")),
        (("Luis", ""), ("Luisa", "Ramírez")),
        (("María", "García"), ("María", "García")),
    ],
    ids=["juan-carlos", "luis-luisa", "namesakes"],
)
def test_namesakes_with_other_e_mails_and_phones_are_never_merged(a, b):
    first = view(
        first_name=a[0], last_name=a[1], company="Acme", email="one@acme.mx", phone="+525511110001"
    )
    second = view(
        first_name=b[0],
        last_name=b[1],
        company="ACME SA",
        email="two@acme.mx",
        phone="+525511110002",
    )

    assert among(first, second) == []
    assert among(second, first) == []


def test_a_merge_rule_is_only_suggested_when_e_mails_and_phones_differ():
    class SameCompany(MatchRule):
        name = "same_company"
        description = "the same company (a deliberately loose rule)"
        outcome = MERGE

        def keys(self, profile):
            return [profile["company_key"]] if profile.get("company_key") else []

    matcher = Matcher({"same_company": SameCompany()})
    ana = view(first_name="Ana", company="Acme", email="ana@acme.mx", phone="+525511110001")
    pedro = view(first_name="Pedro", company="Acme", email="pedro@acme.mx", phone="+525511110002")
    no_phone = view(first_name="Pedro", company="Acme", email="pedro@acme.mx")

    [(_, verdict)] = judged(pedro, ana, matcher=matcher)
    assert verdict.outcome == SUGGEST
    assert verdict.rules == ("same_company",)
    assert any("never merged automatically" in reason for reason in verdict.reasons)
    assert among(no_phone, ana, matcher=matcher) == [ana]  # phones do not differ: one is unknown


def test_a_role_address_needs_a_compatible_name():
    ventas = view(email="ventas@acme.mx", first_name="Ana", last_name="Ruiz")

    assert among(view(email="ventas@acme.mx", first_name="Ana"), ventas) == [ventas]
    assert among(view(email="ventas@acme.mx"), ventas) == [ventas]
    assert judged(view(email="ventas@acme.mx", first_name="Pedro", last_name="Gil"), ventas) == []


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("info@acme.mx", True),
        ("Ventas@acme.mx", True),
        ("contacto+feria@acme.mx", True),
        ("ana.ruiz@acme.mx", False),
        ("informes.ana@acme.mx", False),
    ],
)
def test_role_addresses(email, role):
    assert role_address(email) is role


def test_the_verdict_scores_how_alike_the_names_are():
    anna = view(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ")

    [(_, verdict)] = judged(anna, ANA)

    assert verdict.score == round(name_similarity("anna ruiz", "ana ruiz"), 2)
    assert verdict.rules == ("close_name_at_company",)
    assert verdict.reasons[0].startswith("close_name_at_company: ")


def test_same_company_block_but_different_names_is_no_match():
    alberto = view(first_name="Alberto", last_name="Ruiz", company="Textiles Ruiz")
    assert set(Matcher().keys(alberto)) & set(Matcher().keys(ANA))  # they do share a block

    assert judged(alberto, ANA) == []


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
    assert judged(incoming, ANA) == []


def test_a_candidate_whose_rule_would_confirm_still_needs_a_shared_key():
    # the candidate's keys say nothing in common, so even "same e-mail" does not look at it
    matcher = Matcher()
    incoming = view(email="ana@textilesruiz.mx")

    assert judge_among(matcher, incoming, matcher.keys(incoming), [(ANA, [])]) == []


def test_only_the_matched_candidates_are_returned_in_order():
    anna = view(first_name="Anna", last_name="Ruiz", company="TEXTILES RUIZ")
    alberto = view(first_name="Alberto", last_name="Ruiz", company="Textiles Ruiz")
    by_phone = view(phone="+525511112222", first_name="Ana")
    incoming = view(
        first_name="Ana", last_name="Ruiz", company="Textiles Ruiz", phone="+525511112222"
    )

    assert [c for c, _ in judged(incoming, anna, alberto, by_phone)] == [anna, by_phone]
    assert among(incoming, anna, alberto, by_phone) == [by_phone]


def test_plain_dict_views_match_like_lead_views():
    incoming = plain(first_name="Anna", last_name="Ruiz", company_key="textiles ruiz")
    candidate = plain(first_name="Ana", last_name="Ruiz", company_key="textiles ruiz")

    assert suggested(incoming, candidate) == [candidate]


# --- compatible names and conflicts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("juan perez", "juan carlos perez", True),
        ("luis", "luis ramirez", True),
        ("ana ruiz", "anna ruiz", True),
        ("ana ruiz", "ruiz ana", True),
        ("luis", "luisa ramirez", False),
        ("ramirez", "luis ramirez", False),
        ("ana ruiz", "ana perez", False),
        ("ana ruiz", "pedro ruiz", False),
        ("persona1 prueba", "persona2 prueba", False),
        ("persona1 prueba", "persona11 prueba", False),
    ],
)
def test_names_alike(a, b, alike):
    assert names_alike(a, b) is alike
    assert names_alike(b, a) is alike


def test_a_missing_name_is_compatible_with_any():
    assert compatible_names(view(email="a@x.mx"), ANA)
    assert compatible_names(ANA, view(phone="+525511112222"))
    assert not compatible_names(view(first_name="Luis"), view(first_name="Luisa", last_name="R"))


@pytest.mark.parametrize(
    ("other", "conflict"),
    [
        (view(email="otra@x.mx", phone="+525599998888"), True),
        (view(email="otra@x.mx"), False),
        (view(phone="+525599998888"), False),
        (view(email="ana@textilesruiz.mx", phone="+525599998888"), False),
    ],
    ids=["both-differ", "no-phone", "no-email", "same-email"],
)
def test_identifiers_conflict_only_when_e_mails_and_phones_both_differ(other, conflict):
    matcher = Matcher()
    assert identifiers_conflict(matcher.keys(ANA), matcher.keys(other)) is conflict


def test_every_e_mail_and_phone_a_profile_carries_counts_not_only_its_main_ones():
    merged = [*Matcher().keys(ANA), "same_email:ana.ruiz@gmail.com", "same_phone:+525599998888"]
    gmail = Matcher().keys(view(email="ana.ruiz@gmail.com", phone="+525577776666"))
    stranger = Matcher().keys(view(email="otra@x.mx", phone="+525577776666"))

    assert not identifiers_conflict(gmail, merged)
    assert identifiers_conflict(stranger, merged)
