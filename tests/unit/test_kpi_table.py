"""``clientela kpi`` as a table: one section per kind of indicator, breakdowns in one cell."""

from clientela.cli.kpi import SECTIONS, print_kpi


def period(key, **figures):
    names = {name: 0 for indicators in SECTIONS.values() for name in indicators}
    return {"period": key, **names, "I1_by_source": {}, "purchase_value": {}, **figures}


def test_each_section_is_a_table_with_a_line_per_period(capsys):
    report = {
        "periods": [
            period("2026-02", CCT=None),
            period("2026-03", CCT=50.0, purchase_value={"EUR": "14.75", "USD": "9.99"}),
        ]
    }

    print_kpi(report)

    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line in SECTIONS] == [
        "Prospects",
        "Feedback",
        "Customers",
        "Loyalty",
    ]
    customers = lines[lines.index("Customers") + 1 : lines.index("Loyalty")]
    assert "CCT %" in customers[0]
    assert customers[1].startswith("2026-02") and customers[1].endswith("-")
    assert "50.0" in customers[2] and customers[2].endswith("EUR: 14.75, USD: 9.99")


def test_no_periods_says_there_was_no_activity(capsys):
    print_kpi({"periods": []})

    assert capsys.readouterr().out == "(no activity in the requested periods)\n"
