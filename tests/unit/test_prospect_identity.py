"""Never two people in one profile: identity decided in a batch (prospects domain/batch.py).

Namesakes at one company stay apart and are suggested for review; the same
person written differently is one profile; shared lines match nobody.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from clientela.rules import SUGGEST, MatchRule
from clientela.services.prospects.domain.batch import MOST_COMPARED, BatchResolution
from clientela.services.prospects.domain.matching import Matcher

from .test_prospect_batch import NOW, RULES, SOURCE, batch, incoming, known

FIRST = ["Juan", "Juan Carlos", "Luis", "Luisa", "María", "Ana", "José", "Carmen"]
LAST = ["Pérez", "Ramírez", "García", "García López", "Ruiz"]
COMPANIES = ["Textiles Ruiz S.A. de C.V.", "TEXTILES RUIZ", "Agro Bajío"]


def resolve_all(resolution, rows):
    return [resolution.resolve(incoming(line, **row)) for line, row in enumerate(rows, 1)]


def person(i, first, last, company="Textiles Ruiz SA"):
    return dict(
        first_name=first,
        last_name=last,
        company=company,
        email=f"persona{i}@correo.mx",
        phone=f"+34 612 {i // 1000:03d} {i % 1000:03d}",
    )


# --- worked examples ------------------------------------------------------------------------


def test_three_namesakes_at_one_company_are_three_profiles_suggested_in_pairs():
    resolution = batch()
    rows = [
        person(1, "Juan", "Pérez"),
        person(2, "Juan Carlos", "Pérez"),
        person(3, "Juan", "Pérez", "TEXTILES RUIZ"),
    ]

    assert resolve_all(resolution, rows) == ["created"] * 3
    assert len(resolution.created) == 3
    pairs = resolution.suggestions()
    assert len(pairs) == 3  # every two of them may be one person: for an operator to say
    assert all(pair.rules == ("close_name_at_company",) for pair in pairs)
    assert sorted(pair.score for pair in pairs) == [1.0, 1.0, 1.0]


def test_luis_and_luisa_ramirez_at_one_company_stay_two_and_are_not_even_suggested():
    resolution = batch()

    resolve_all(resolution, [person(1, "Luis", ""), person(2, "Luisa", "Ramírez")])

    assert len(resolution.created) == 2
    assert resolution.suggestions() == []


def test_the_same_person_with_e_mail_case_and_spaces_and_phone_formats_is_one_profile():
    resolution = batch()
    rows = [
        dict(
            first_name="Ana", last_name="Ruiz", email="Ana.Ruiz@Correo.mx", phone="+34 612 345 678"
        ),
        dict(first_name="Ana", email=" ana.ruiz@correo.MX ", phone="0034612345678"),
        dict(first_name="Ana", last_name="Ruiz", phone="(+34) 612-345-678"),
        dict(first_name="ANA", phone="0034 612 345 678", company="Textiles Ruiz"),
    ]

    assert resolve_all(resolution, rows) == ["created", "merged", "merged", "merged"]
    (profile,) = resolution.created.values()
    assert (profile["email"], profile["phone"]) == ("ana.ruiz@correo.mx", "+34612345678")
    assert len(profile["captures"]) == 4


def test_240_visitors_of_six_companies_with_namesakes_are_240_profiles():
    rng = random.Random(8)
    first, last = ["Juan", "María", "José", "Ana"], ["García", "Pérez", "López", "Ruiz"]
    rows = [
        person(i, rng.choice(first), f"{rng.choice(last)} {rng.choice(last)}", f"Empresa {i % 6}")
        for i in range(240)
    ]
    resolution = batch()

    assert resolve_all(resolution, rows) == ["created"] * 240
    assert resolution.suggestions()  # the namesakes are there to review


def test_sixty_numbered_people_of_one_company_are_sixty_profiles_and_no_suggestion():
    rows = [person(i, f"Persona{i}", "Prueba") for i in range(60)]
    resolution = batch()

    assert resolve_all(resolution, rows) == ["created"] * 60
    assert resolution.suggestions() == []


def test_a_lead_linking_two_known_people_with_other_e_mails_and_phones_merges_neither():
    ana = known("ana", 5, first_name="Ana", email="ana@x.mx", phone="5511110001")
    other = known("other", 3, first_name="Ana", email="ana2@y.mx", phone="5511110002")
    resolution = batch(ana, other)

    outcome = resolution.resolve(incoming(email="ana@x.mx", phone="5511110002", first_name="Ana"))

    assert outcome == "merged"
    assert resolution.merges == []  # the two known ones differ in e-mail and phone
    [pair] = resolution.suggestions()
    assert pair.prospect_ids == ("ana", "other")
    assert any("never merged automatically" in reason for reason in pair.reasons)


def test_a_second_e_mail_then_a_second_phone_of_one_person_stay_one_profile():
    resolution = batch()
    rows = [
        dict(first_name="Ana", last_name="Ruiz", email="ana@work.mx", phone="+34612000001"),
        dict(first_name="Ana", last_name="Ruiz", email="ana.ruiz@gmail.com", phone="+34612000001"),
        dict(first_name="Ana", last_name="Ruiz", email="ana.ruiz@gmail.com", phone="+34699000002"),
    ]

    assert resolve_all(resolution, rows) == ["created", "merged", "merged"]
    (profile,) = resolution.created.values()
    assert (profile["email"], profile["phone"]) == ("ana@work.mx", "+34612000001")


def test_a_lead_with_an_e_mail_a_merged_profile_carries_goes_into_it():
    # an operator merged Ana (work e-mail, phone 1) with Ana (gmail, phone 2)
    ana = known(
        "ana", 5, first_name="Ana", last_name="Ruiz", email="ana@work.mx", phone="5511000001"
    )
    gmail = known(
        "gm", 4, first_name="Ana", last_name="Ruiz", email="ana@gmail.com", phone="5511000002"
    )
    ana["match_keys"] = sorted({*ana["match_keys"], *gmail["match_keys"]})
    resolution = batch(ana)

    lead = incoming(first_name="Ana", last_name="Ruiz", email="ana@gmail.com", phone="5511000002")

    assert resolution.resolve(lead) == "merged"
    assert resolution.created == {}
    assert resolution.suggestions() == []


def test_a_lead_linking_two_known_people_with_clearly_different_names_merges_neither():
    ruiz = known(
        "ruiz", 5, first_name="Ana", last_name="Ruiz", email="ana@x.mx", phone="5511110001"
    )
    perez = known("perez", 3, first_name="Ana", last_name="Pérez", email="ana@y.mx")
    resolution = batch(ruiz, perez)

    outcome = resolution.resolve(incoming(first_name="Ana", email="ana@y.mx", phone="5511110001"))

    assert outcome == "merged"
    assert resolution.merges == []  # Ana Pérez is not Ana Ruiz, whatever the lead filled in
    [pair] = resolution.suggestions()
    assert pair.prospect_ids == ("perez", "ruiz")
    assert "names not alike: never merged automatically" in pair.reasons


def test_a_lead_linking_two_known_profiles_of_one_person_merges_them():
    by_mail = known("mail", 5, first_name="Ana", last_name="Ruiz", email="ana@x.mx")
    by_phone = known("phone", 3, first_name="Ana", phone="5511110001")
    resolution = batch(by_mail, by_phone)

    resolution.resolve(incoming(first_name="Ana", email="ana@x.mx", phone="5511110001"))

    assert resolution.merges == [("mail", "phone")]
    assert resolution.suggestions() == []


def test_a_pair_kept_apart_is_never_suggested():
    first = known("a1", 5, first_name="Ana", last_name="Ruiz", company="Acme", email="a@x.mx")
    second = known("a2", 3, first_name="Anna", last_name="Ruiz", company="Acme", email="b@x.mx")
    first["kept_apart"], second["kept_apart"] = ["a2"], ["a1"]
    resolution = batch(first, second)

    resolution.resolve(incoming(first_name="Ana", last_name="Ruiz", company="Acme", email="a@x.mx"))

    assert resolution.suggestions() == []


# --- shared lines ---------------------------------------------------------------------------


def test_a_phone_carried_by_clearly_different_people_is_a_shared_line_that_merges_nobody():
    resolution = batch()
    switchboard = "+52 55 5000 1000"
    rows = [
        dict(first_name="Ana", last_name="Ruiz", email="ana@acme.mx", phone=switchboard),
        dict(first_name="Pedro", last_name="Gil", email="pedro@acme.mx", phone=switchboard),
        dict(first_name="Ana", last_name="Ruiz", email="ana.ruiz@gmail.com", phone=switchboard),
        dict(phone=switchboard),
    ]

    assert resolve_all(resolution, rows) == ["created"] * 4
    lines = resolution.shared_lines()
    assert list(lines) == ["same_phone:+525550001000"]
    assert len(lines["same_phone:+525550001000"]) == 4


def test_a_line_already_known_as_shared_matches_nobody():
    ana = known("ana", 5, first_name="Ana", last_name="Ruiz", phone="5550001000")
    resolution = BatchResolution(RULES, SOURCE, NOW, [ana], lines=["same_phone:+525550001000"])

    assert resolution.resolve(incoming(first_name="Ana", phone="5550001000")) == "created"


def test_a_row_received_again_is_unchanged_though_its_only_identifier_is_now_a_shared_line():
    row = dict(first_name="Ana", last_name="Ruiz", phone="5550001000")
    ana = known("ana", 5, source=SOURCE, **row)
    resolution = BatchResolution(RULES, SOURCE, NOW, [ana], lines=["same_phone:+525550001000"])

    assert resolution.resolve(incoming(**row)) == "unchanged"
    assert resolution.created == {}
    assert resolution.updates == {}


def test_a_role_address_of_two_different_people_is_a_shared_line_a_personal_one_is_not():
    resolution = batch()
    rows = [
        dict(first_name="Ana", last_name="Ruiz", email="ventas@acme.mx"),
        dict(first_name="Pedro", last_name="Gil", email="VENTAS@acme.mx"),
        dict(first_name="María", last_name="García", email="maria@acme.mx"),
        dict(first_name="Miguel", last_name="Flores", email="MARIA@acme.mx "),
    ]

    assert resolve_all(resolution, rows) == ["created", "created", "created", "merged"]
    assert list(resolution.shared_lines()) == ["same_email:ventas@acme.mx"]


# --- claims ---------------------------------------------------------------------------------


def test_a_new_profile_claims_its_merge_keys_no_stored_profile_carries():
    stored = known("k1", 3, first_name="Pedro", last_name="Gil", phone="5511112222")
    resolution = batch(stored)
    resolution.resolve(incoming(first_name="Ana", email="ana@x.mx", phone="5511112222"))
    (new_id,) = resolution.created

    assert resolution.identity_keys(new_id) == ["same_email:ana@x.mx"]


def test_a_dropped_new_profile_gives_its_leads_back_and_leaves_no_trace():
    resolution = batch()
    resolve_all(resolution, [person(1, "Juan", "Pérez"), person(2, "Juan", "Pérez")])
    first, _ = resolution.created

    [lead] = resolution.drop(first)

    assert lead.row["line"] == 1
    assert first not in resolution.created
    assert resolution.suggestions() == []


# --- property: one profile per person -------------------------------------------------------


def email_variant(email, style):
    return [email, email.upper(), f"  {email} ", email.capitalize()][style]


def phone_variant(number, style):
    """A Spanish mobile number written four ways."""
    d = str(612_000_000 + number)
    return [
        f"+34 {d[:3]} {d[3:6]} {d[6:]}",
        f"0034{d}",
        f"(+34) {d[:3]}-{d[3:6]}-{d[6:]}",
        f"+34{d}",
    ][style]


people = st.lists(
    st.tuples(
        st.sampled_from(FIRST),
        st.sampled_from(LAST),
        st.sampled_from([*COMPANIES[:2] * 3, COMPANIES[2]]),  # most at one company
        st.sampled_from(["email", "phone", "both"]),
    ),
    min_size=1,
    max_size=25,
)


@st.composite
def captures(draw):
    """People with pairwise different e-mails and phones, each captured 1-4 times, interleaved.

    Each later capture of a person keeps one identifier of their capture
    before and may switch the other to their second e-mail or phone; some rows
    are received again. Returns the people count, the rows (person, row,
    whether received before) and the batch cuts.
    """
    drawn = draw(people)
    chains = []
    for i, (first, last, company, identifiers) in enumerate(drawn):
        own = {"email": [f"p{i}@correo.mx", f"p{i}.b@otro.mx"], "phone": [100 + i, 600 + i]}
        ids = {kind: values[0] for kind, values in own.items() if identifiers in (kind, "both")}
        chain = []
        for turn in range(draw(st.integers(1, 4))):
            if turn:
                kept = draw(st.sampled_from(sorted(ids)))
                other = "phone" if kept == "email" else "email"
                change = draw(st.sampled_from(["switch", "keep", "drop"]))
                ids = {kept: ids[kept], **({other: ids[other]} if other in ids else {})}
                if change == "switch":
                    ids[other] = next(value for value in own[other] if value != ids.get(other))
                elif change == "drop":
                    ids.pop(other, None)
            row = {"first_name": first, "last_name": last, "company": company}
            if "email" in ids:
                row["email"] = email_variant(ids["email"], draw(st.integers(0, 3)))
            if "phone" in ids:
                row["phone"] = phone_variant(ids["phone"], draw(st.integers(0, 3)))
            if draw(st.booleans()):
                row["position"] = draw(st.sampled_from(["Compras", "Dirección", ""]))
            chain.append((i, row, False))
        chains.append(chain)
    turns = draw(st.permutations([i for i, chain in enumerate(chains) for _ in chain]))
    rows = [chains[i].pop(0) for i in turns]  # each person's captures in their own order
    for source, later in draw(st.lists(st.tuples(st.integers(0), st.integers(0)), max_size=4)):
        at = source % len(rows)
        who, row, _ = rows[at]
        rows.insert(at + 1 + later % (len(rows) - at), (who, row, True))
    cuts = draw(st.lists(st.integers(1, max(1, len(rows) - 1)), max_size=4, unique=True))
    return len(drawn), rows, sorted(cuts)


@settings(max_examples=150, deadline=None)
@given(captures())
def test_any_people_in_any_order_and_batch_split_are_one_profile_each(case):
    count, rows, cuts = case
    stored: dict[str, dict] = {}
    owner: dict[str, set[int]] = {}
    for number, (start, end) in enumerate(zip([0, *cuts], [*cuts, len(rows)], strict=True)):
        chunk = rows[start:end]
        leads = [incoming(start + k + 1, **row) for k, (_, row, _) in enumerate(chunk)]
        keys = {key for lead in leads for key in lead.keys}
        received = {lead.capture_key for lead in leads}
        known_now = [
            p
            for p in stored.values()
            if keys.intersection(p["match_keys"])
            or received.intersection(c["key"] for c in p["captures"])
        ]
        resolution = BatchResolution(RULES, SOURCE, NOW + timedelta(minutes=number), known_now)
        for (who, _, again), lead in zip(chunk, leads, strict=True):
            outcome = resolution.resolve(lead)
            assert outcome == "unchanged" or not again  # a row received again changes nothing
            placed = next(
                pid
                for pid, profile in {**stored, **resolution.created}.items()
                if lead.capture_key in {c["key"] for c in profile["captures"]}
            )
            owner.setdefault(placed, set()).add(who)
        assert resolution.merges == []
        stored.update(resolution.created)

    assert len(stored) == count
    assert all(len(people) == 1 for people in owner.values())
    distinct = {incoming(**row).capture_key for _, row, _ in rows}
    assert sum(len(profile["captures"]) for profile in stored.values()) == len(distinct)


def test_a_lead_is_compared_with_a_bounded_number_of_a_crowded_blocks_profiles():
    compared = []

    class SameCompany(MatchRule):
        name = "same_company"
        outcome = SUGGEST

        def keys(self, profile):
            return [profile["company_key"]] if profile.get("company_key") else []

        def matches(self, incoming, candidate):
            compared.append(candidate["id"])
            return False

    rules = replace(RULES, matcher=Matcher({"same_company": SameCompany()}))

    def visitor(i):
        lead = incoming(i, email=f"p{i}@acme.mx", company="Acme")
        lead.keys = rules.matcher.keys(lead.view)
        return lead

    resolution = BatchResolution(rules, SOURCE, NOW, [])
    for i in range(1, 3 * MOST_COMPARED):
        resolution.resolve(visitor(i))
    compared.clear()

    resolution.resolve(visitor(3 * MOST_COMPARED))

    assert len(compared) == MOST_COMPARED
