"""Profile completeness and qualification score (services/prospects/domain/scoring.py)."""

import logging

import pytest

from clientela.config import Settings, completeness_weights
from clientela.rules import QualificationRule
from clientela.services.prospects.domain.profiles import rule_view
from clientela.services.prospects.domain.scoring import Qualifier, completeness

WEIGHTS = completeness_weights(Settings().completeness_weights)
CONSENT = {"purpose": "contact", "given_at": "2024-03-05T00:00:00+00:00", "method": "web form"}
FULL = {
    "first_name": "Ana",
    "last_name": "Ruiz",
    "email": "ana@x.mx",
    "phone": "+525511112222",
    "company": "Textiles Ruiz",
    "position": "Compras",
    "needs": "telas",
    "consent": CONSENT,
}


def profile(**values):
    """A rule view (the keys of clientela.rules), blanks where not given."""
    return {**rule_view({}), **values}


def interactions(*outcomes):
    return [{"kind": "call", "mode": "phone", "outcome": outcome} for outcome in outcomes]


# --- completeness -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (FULL, 100.0),
        ({}, 0.0),
        ({"email": "ana@x.mx"}, 20.0),
        ({"first_name": "Ana"}, 20.0),
        ({"last_name": "Ruiz"}, 20.0),
        ({"first_name": "Ana", "last_name": "Ruiz"}, 20.0),
        ({"phone": "+525511112222"}, 15.0),
        ({"company": "Textiles Ruiz"}, 15.0),
        ({"position": "Compras"}, 10.0),
        ({"needs": "telas"}, 10.0),
        ({"consent": CONSENT}, 10.0),
        ({"first_name": "Ana", "email": "ana@x.mx", "phone": "+525511112222"}, 55.0),
        ({**FULL, "needs": "", "consent": None}, 80.0),
    ],
)
def test_completeness_with_the_default_weights(values, expected):
    assert completeness(profile(**values), WEIGHTS) == expected


def test_the_default_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100


@pytest.mark.parametrize(
    ("weights", "values", "expected"),
    [
        ({"email": 1, "phone": 3}, {"email": "a@b.mx"}, 25.0),
        ({"email": 1, "phone": 3}, {"phone": "+525511112222"}, 75.0),
        ({"email": 1, "phone": 3}, {"email": "a@b.mx", "phone": "+5255"}, 100.0),
        ({"email": 1, "phone": 3}, {"company": "Textiles Ruiz"}, 0.0),
        ({"name": 1, "email": 1, "phone": 1}, {"email": "a@b.mx"}, 33.33),
        ({"name": 1, "email": 1, "phone": 1}, {"last_name": "Ruiz", "email": "a@b.mx"}, 66.67),
        ({"name": 10, "needs": 0}, {"needs": "telas"}, 0.0),
    ],
)
def test_completeness_with_custom_weights_is_the_weighted_share_present(weights, values, expected):
    assert completeness(profile(**values), weights) == expected


def test_completeness_parsed_from_a_custom_setting():
    weights = completeness_weights("email=50,phone=50")

    assert completeness(profile(email="a@b.mx"), weights) == 50.0


# --- built-in qualification rules ---------------------------------------------------------


def rule_points(values):
    """Points per built-in rule for ``values``."""
    qualifier = Qualifier()
    return {name: rule.score(profile(**values)) for name, rule in qualifier.rules.items()}


@pytest.mark.parametrize(
    "position",
    [
        "Directora de Compras",
        "Director General",
        "DIRECTORA COMERCIAL",
        "Gerente de Compras",
        "Purchasing Manager",
        "Head of Procurement",
        "Jefa de Almacén",
        "Dueño",
        "Propietaria",
        "CEO",
        "Socio fundador",
        "Vice President, Sales",
        "VP Sales",
        "Sub-director",
    ],
)
def test_decision_maker_titles_earn_20_points(position):
    assert rule_points({"position": position})["decision_maker"] == 20


@pytest.mark.parametrize("position", ["Dueña", "Presidenta"])
def test_feminine_decision_maker_titles_earn_20_points(position):
    assert rule_points({"position": position})["decision_maker"] == 20


@pytest.mark.parametrize(
    "position", ["", "Asistente de Compras", "Comprador", "Directorate liaison", "Sales rep"]
)
def test_other_positions_earn_no_decision_maker_points(position):
    assert rule_points({"position": position})["decision_maker"] == 0


@pytest.mark.parametrize(
    ("values", "rule", "points"),
    [
        ({"needs": "telas de algodón"}, "needs_stated", 20),
        ({}, "needs_stated", 0),
        ({"email": "a@b.mx", "phone": "+525511112222"}, "reachable", 10),
        ({"email": "a@b.mx"}, "reachable", 0),
        ({"phone": "+525511112222"}, "reachable", 0),
        ({"consent": CONSENT}, "consent_given", 10),
        ({"consent": None}, "consent_given", 0),
        ({"origins": [{"source": "referrals", "referrer": "cust-1"}]}, "referred", 15),
        ({"origins": [{"source": "webforms", "referral_code": "AB12"}]}, "referred", 15),
        (
            {"origins": [{"source": "fairs", "fair": "Expo"}, {"source": "x", "referrer": "c"}]},
            "referred",
            15,
        ),
        ({"origins": [{"source": "fairs", "fair": "Expo"}]}, "referred", 0),
        ({"origins": [{"source": "webforms", "referrer": ""}]}, "referred", 0),
    ],
)
def test_built_in_rules(values, rule, points):
    assert rule_points(values)[rule] == points


@pytest.mark.parametrize(
    ("outcomes", "points"),
    [
        ((), 0),
        (("no_answer", "needs_info", "follow_up"), 0),
        (("interested",), 10),
        (("interested", "proposal_sent"), 20),
        (("interested", "proposal_sent", "agreed"), 30),
        (("interested", "interested", "proposal_sent", "agreed", "agreed"), 30),
        (("not_interested",), -30),
        (("interested", "proposal_sent", "not_interested"), -30),
    ],
)
def test_engaged_counts_good_outcomes_up_to_30_and_not_interested_is_negative(outcomes, points):
    assert rule_points({"interactions": interactions(*outcomes)})["engaged"] == points


@pytest.mark.parametrize(
    ("values", "score"),
    [
        ({}, 0),
        (FULL, 40),  # needs, reachable, consent
        ({**FULL, "position": "Directora de Compras"}, 60),
        ({"interactions": interactions("not_interested")}, 0),  # never below 0
        ({"needs": "telas", "interactions": interactions("not_interested")}, 0),
        (
            {"needs": "telas", "email": "a@b.mx", "phone": "+52", "consent": CONSENT},
            40,
        ),
        (
            {
                "needs": "telas",
                "email": "a@b.mx",
                "phone": "+52",
                "consent": CONSENT,
                "interactions": interactions("not_interested"),
            },
            10,
        ),
        (
            {
                **FULL,
                "position": "CEO",
                "origins": [{"source": "referrals", "referrer": "c1"}],
                "interactions": interactions("agreed", "agreed", "agreed"),
            },
            100,  # 105 points, kept at 100
        ),
    ],
)
def test_the_score_sums_the_rules_kept_between_0_and_100(values, score):
    assert Qualifier().score(profile(**values)) == score


def test_describe_lists_every_rule_with_its_points_and_description():
    described = Qualifier().describe()

    assert [(rule["name"], rule["points"]) for rule in described] == [
        ("decision_maker", 20),
        ("needs_stated", 20),
        ("reachable", 10),
        ("consent_given", 10),
        ("referred", 15),
        ("engaged", 30),
    ]
    assert all(isinstance(rule["description"], str) and rule["description"] for rule in described)


# --- plugin rules -------------------------------------------------------------------------


def rule(name, points, score, description="a plugin rule"):
    """A qualification rule named ``name`` awarding ``score(profile)`` (at most ``points``)."""
    return type(
        "PluginRule",
        (QualificationRule,),
        {
            "name": name,
            "points": points,
            "description": description,
            "score": lambda self, profile: score(profile),
        },
    )()


def boom(profile):
    raise RuntimeError("boom")


def test_a_plugin_rule_with_a_new_name_adds_its_points():
    qualifier = Qualifier({"big_company": rule("big_company", 25, lambda p: 25)})

    assert qualifier.score(profile(needs="telas")) == 45
    assert qualifier.describe()[-1] == {
        "name": "big_company",
        "points": 25,
        "description": "a plugin rule",
    }


def test_a_plugin_rule_replaces_the_built_in_rule_of_the_same_name():
    stricter = rule("decision_maker", 5, lambda p: 5 if p["position"] == "CEO" else 0, "only CEOs")
    qualifier = Qualifier({"decision_maker": stricter})

    assert qualifier.score(profile(position="Directora de Compras")) == 0
    assert qualifier.score(profile(position="CEO")) == 5
    assert len(qualifier.describe()) == 6
    assert qualifier.describe()[0] == {
        "name": "decision_maker",
        "points": 5,
        "description": "only CEOs",
    }


def test_a_raising_rule_is_ignored(caplog):
    qualifier = Qualifier({"broken": rule("broken", 50, boom)})

    with caplog.at_level(logging.ERROR):
        score = qualifier.score(profile(needs="telas"))

    assert score == 20
    assert "qualification rule failed" in caplog.text


def test_a_rule_returning_something_that_is_not_a_number_is_ignored():
    qualifier = Qualifier({"sloppy": rule("sloppy", 10, lambda p: None)})

    assert qualifier.score(profile(needs="telas")) == 20


@pytest.mark.parametrize(("returned", "counted"), [(50, 10), (10, 10), (3, 3), (-50, -10)])
def test_a_rule_returning_more_than_its_points_is_clamped(returned, counted):
    qualifier = Qualifier({"greedy": rule("greedy", 10, lambda p: returned)})
    baseline = 20 + 10  # needs_stated + consent_given

    values = profile(needs="telas", consent=CONSENT)

    assert qualifier.score(values) == baseline + counted
