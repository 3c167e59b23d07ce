"""The loyalty programme as settings: tiers and rewards from a YAML file, rewards limited in
stock, a unit claimed once per redemption and given back when the points are not spent."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from clientela.config import ConfigError, Settings
from clientela.errors import Conflict
from clientela.events import new_event, parse_event
from clientela.services.loyalty import handlers
from clientela.services.loyalty.dependencies import FakeLoyaltyStorage
from clientela.services.loyalty.programme import (
    DEFAULT_PROGRAMME,
    LoyaltyProgramme,
    load_programme,
)

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)

PROGRAMME = """\
window_months: 6
tiers:
  - {name: member, threshold: 0}
  - {name: insider, threshold: 300, multiplier: "2"}
rewards:
  - {code: MUG, name: A clientela mug, cost: 100, stock: 1}
  - {code: LOUNGE, name: Airport lounge pass, cost: 250, min_tier: insider}
"""


@pytest.fixture
def programme(tmp_path):
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return load_programme(str(path))


def test_tiers_and_rewards_come_from_the_file(programme):
    [member, insider] = programme.ladder.tiers

    assert (member.name, insider.threshold, insider.multiplier) == ("member", 300, Decimal(2))
    assert programme.ladder.window_months == 6
    assert [(r.code, r.stock, r.min_tier) for r in programme.catalogue] == [
        ("MUG", 1, None),
        ("LOUNGE", None, "insider"),
    ]


def test_without_a_file_the_default_programme_runs():
    assert load_programme("") is DEFAULT_PROGRAMME
    assert [t.name for t in DEFAULT_PROGRAMME.ladder.tiers] == ["bronze", "silver", "gold"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("tiers: []\nrewards: []\n", "tiers"),
        (PROGRAMME.replace("cost: 100", "cost: 0"), "rewards.0.cost"),
        (PROGRAMME.replace("min_tier: insider", "min_tier: platinum"), "tier"),
        (PROGRAMME.replace("stock: 1", "stock: many"), "rewards.0.stock"),
        (PROGRAMME + "colour: blue\n", "colour"),
        ("tiers: [\n", "not valid YAML"),
    ],
)
def test_a_wrong_file_is_a_config_error_naming_what_is_wrong(tmp_path, text, named):
    path = tmp_path / "wrong.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError, match=f"loyalty_programme: .*{named}"):
        load_programme(str(path))


def test_a_missing_file_is_a_config_error():
    with pytest.raises(ConfigError, match=r"cannot read /nowhere/programme\.yaml"):
        load_programme("/nowhere/programme.yaml")


def event(name, payload):
    return parse_event(new_event(name, payload))


@pytest.fixture
def uow(monkeypatch, programme):
    """Ana and Luis, members with 150 points each under the file's programme."""
    monkeypatch.setattr(handlers, "utcnow", lambda: NOW)
    storage = FakeLoyaltyStorage()
    for n, customer_id in enumerate(("C-ana", "C-luis")):
        storage.remember_member(customer_id, f"P-{customer_id}", None, NOW)
        purchase = {
            "purchase_id": f"F-{n}",
            "customer_id": customer_id,
            "amount": Decimal("150"),
            "currency": "MXN",
            "purchased_at": NOW,
        }
        handlers.credit_purchase(event("purchase_recorded", purchase), storage, 1.0, programme)
    return storage


def rewards_left(uow, programme):
    return {r["code"]: r["left"] for r in handlers.rewards(uow, programme)}


def test_the_last_unit_goes_to_one_redemption_and_the_next_is_refused_naming_the_reward(
    uow, programme
):
    handlers.redeem("C-ana", "MUG", "req-1", uow, programme)

    with pytest.raises(Conflict, match=r"reward: MUG \(A clientela mug\) is out of stock"):
        handlers.redeem("C-luis", "MUG", "req-1", uow, programme)
    assert handlers.balance("C-luis", uow, 5)["points"] == 150
    assert rewards_left(uow, programme) == {"MUG": 0, "LOUNGE": None}


def test_a_repeated_redemption_takes_no_second_unit(uow, programme):
    first = handlers.redeem("C-ana", "MUG", "req-1", uow, programme)

    assert handlers.redeem("C-ana", "MUG", "req-1", uow, programme) == first
    assert first["balance"] == 50


def test_a_unit_is_given_back_when_the_points_are_not_spent(uow, programme):
    handlers.adjust("C-luis", -100, "wrong purchase", "maria", "adj-1", uow, programme)

    with pytest.raises(Conflict, match="more than the balance of 50"):
        handlers.redeem("C-luis", "MUG", "req-1", uow, programme)
    assert rewards_left(uow, programme)["MUG"] == 1
    assert handlers.redeem("C-ana", "MUG", "req-1", uow, programme)["balance"] == 50


def test_the_tier_multiplier_and_restriction_are_the_files(uow, programme):
    purchase = {
        "purchase_id": "F-9",
        "customer_id": "C-ana",
        "amount": Decimal("200"),
        "currency": "MXN",
        "purchased_at": NOW,
    }
    with pytest.raises(Conflict, match="LOUNGE is for insider customers"):
        handlers.redeem("C-ana", "LOUNGE", "req-1", uow, programme)
    handlers.credit_purchase(event("purchase_recorded", purchase), uow, 1.0, programme)

    assert handlers.balance("C-ana", uow, 5)["tier"] == "insider"
    assert handlers.redeem("C-ana", "LOUNGE", "req-2", uow, programme)["balance"] == 100


def test_the_example_programme_in_deploy_loads():
    example = load_programme(str(Path(__file__).parents[2] / "deploy" / "loyalty-programme.yaml"))

    assert [t.name for t in example.ladder.tiers] == ["bronze", "silver", "gold"]
    assert example.catalogue.get("VIP-DAY").stock == 12


class Container:
    """What a dependency provider reads of its nameko container: the config."""

    def __init__(self, config):
        self.config = config


def running_with(container):
    return LoyaltyProgramme().bind(container, "programme")


def test_the_service_reads_the_programme_when_it_starts_and_a_wrong_one_stops_it(tmp_path):
    good, wrong = tmp_path / "good.yaml", tmp_path / "wrong.yaml"
    good.write_text(PROGRAMME, encoding="utf-8")
    wrong.write_text("tiers: []\nrewards: []\n", encoding="utf-8")
    started = Container(Settings(loyalty_programme=str(good)).nameko_config())
    provider = running_with(started)
    provider.setup()

    assert provider.get_dependency(None).catalogue.get("MUG").stock == 1
    refused = Container(Settings(loyalty_programme=str(wrong)).nameko_config())
    with pytest.raises(ConfigError, match=r"wrong\.yaml"):
        running_with(refused).setup()
