"""import_file: a lead source's rows go to the prospects service in batches."""

import pytest

from clientela import LeadRow, LeadSource, LeadSourceError, RowProblem
from clientela.cli.file_import import import_file
from clientela.payloads import check_options


class ListSource(LeadSource):
    """A lead source that yields the given items, whatever the path."""

    name = "list"

    def __init__(self, items):
        self.items = items

    def read(self, path, options):
        yield from self.items


class FakeCapture:
    """Stands in for the prospects service's capture_leads: records every batch."""

    def __init__(self, bad_emails=()):
        self.bad_emails = set(bad_emails)
        self.batches = []
        self.origins = []

    def __call__(self, rows, origin):
        self.batches.append(rows)
        self.origins.append(origin)
        rejected = [
            {"line": row["line"], "errors": {"email": ["Not a valid email address."]}}
            for row in rows
            if row["fields"]["email"] in self.bad_emails
        ]
        return {
            "created": len(rows) - len(rejected),
            "merged": 0,
            "unchanged": 0,
            "rejected": rejected,
        }

    @property
    def lines(self):
        return [[row["line"] for row in batch] for batch in self.batches]


def lead(line, email=None, **extra):
    return LeadRow(line, {"email": email or f"person{line}@example.com"}, extra)


def run(items, capture, options=None, **kwargs):
    return import_file(ListSource(items), "visitors.csv", options or {}, capture, **kwargs)


def test_rows_are_sent_in_batches_of_batch_size():
    capture = FakeCapture()

    summary = run([lead(line) for line in range(2, 7)], capture, batch_size=2)

    assert capture.lines == [[2, 3], [4, 5], [6]]
    assert summary.rows == 5
    assert summary.created == 5
    assert summary.rejected == []


def test_each_row_carries_its_line_fields_and_extra_columns():
    capture = FakeCapture()

    run([lead(2, "ann@example.com", stand="Hall 3")], capture)

    assert capture.batches == [
        [
            {
                "line": 2,
                "fields": {"email": "ann@example.com"},
                "extra": {"stand": "Hall 3"},
                "origin": {},
                "consent": {},
            }
        ]
    ]


def test_unreadable_rows_are_reported_and_never_sent():
    capture = FakeCapture()
    items = [lead(2), RowProblem(3, "3 values for 2 columns"), lead(4)]

    summary = run(items, capture)

    assert capture.lines == [[2, 4]]
    assert summary.rows == 3
    assert summary.created == 2
    assert summary.rejected == [(3, "3 values for 2 columns")]


def test_a_batch_of_only_unreadable_rows_calls_nobody():
    capture = FakeCapture()

    summary = run([RowProblem(2, "bad"), RowProblem(3, "bad")], capture, batch_size=2)

    assert capture.batches == []
    assert summary.rejected == [(2, "bad"), (3, "bad")]


def test_rejections_from_source_and_service_are_merged_and_sorted_by_line():
    capture = FakeCapture(bad_emails={"nope"})
    items = [lead(2), RowProblem(3, "4 values for 2 columns"), lead(4), lead(5, "nope")]

    summary = run(items, capture, batch_size=2)

    assert summary.rejected == [
        (3, "4 values for 2 columns"),
        (5, "email: Not a valid email address."),
    ]
    assert summary.created == 2
    assert summary.as_dict()["rejected"] == [
        {"line": 3, "reason": "4 values for 2 columns", "row": {}},
        {
            "line": 5,
            "reason": "email: Not a valid email address.",
            "row": {"email": "nope"},  # no cells kept by the source: its fields and extra
        },
    ]


def test_a_rejected_row_is_kept_as_its_file_has_it():
    capture = FakeCapture(bad_emails={"nope"})
    cells = {"Correo": "nope ", "Stand": "B12"}
    bad = LeadRow(4, {"email": "nope"}, {"stand": "B12"}, cells=cells)

    summary = run([lead(2), lead(3), bad], capture, batch_size=2, in_flight=2)

    assert summary.rejected_rows == {4: cells}
    assert summary.counts() == (
        "2 new prospects, 0 matched an existing person, 0 already imported, 1 rejected"
    )


class DeclaringSource(ListSource):
    options = {"fair": "the fair's name", "sheet": "the worksheet"}


def test_an_option_a_source_does_not_declare_is_refused_listing_those_it_takes():
    with pytest.raises(LeadSourceError) as refused:
        check_options(DeclaringSource([]), {"fiar": "Expo", "sheet": "1"})

    assert str(refused.value) == (
        "option fiar: not an option of list"
        " (it takes: fair (the fair's name), sheet (the worksheet))"
    )
    check_options(DeclaringSource([]), {"fair": "Expo"})


def test_a_source_that_declares_no_options_takes_any():
    check_options(ListSource([]), {"fair": "Expo", "delimiter": ";"})


def test_service_rejections_in_an_earlier_batch_sort_before_later_source_problems():
    capture = FakeCapture(bad_emails={"nope"})
    items = [lead(2), lead(3, "nope"), RowProblem(4, "unreadable"), lead(5)]

    summary = run(items, capture, batch_size=1)

    assert [line for line, _ in summary.rejected] == [3, 4]


@pytest.mark.parametrize(
    ("options", "origin"),
    [
        ({}, {}),
        ({"fair": "Expo Ferretera 2026"}, {"fair": "Expo Ferretera 2026"}),
        (
            {"fair": "Expo", "campaign": "spring", "delimiter": ";", "encoding": "latin-1"},
            {"fair": "Expo", "campaign": "spring"},
        ),
        ({"fair": "", "campaign": "spring"}, {"campaign": "spring"}),
    ],
)
def test_origin_holds_only_the_fair_and_campaign_options(options, origin):
    capture = FakeCapture()

    run([lead(2), lead(3)], capture, options, batch_size=1)

    assert capture.origins == [origin, origin]


def test_progress_is_reported_after_every_batch():
    seen = []

    run(
        [lead(2), lead(3), RowProblem(4, "bad"), lead(5), lead(6)],
        FakeCapture(),
        batch_size=2,
        progress=lambda summary: seen.append((summary.rows, summary.created)),
    )

    assert seen == [(2, 2), (4, 3), (5, 4)]


def test_an_empty_source_sends_nothing():
    capture = FakeCapture()
    seen = []

    summary = run([], capture, progress=seen.append)

    assert capture.batches == []
    assert seen == []
    assert summary.as_dict() == {
        "rows": 0,
        "created": 0,
        "merged": 0,
        "unchanged": 0,
        "rejected": [],
        "possible_duplicates": 0,
        "shared_lines": [],
    }


def test_merged_and_unchanged_counts_add_up_over_batches():
    def capture(rows, origin):
        return {"created": 0, "merged": 1, "unchanged": len(rows) - 1, "rejected": []}

    summary = run([lead(line) for line in range(2, 7)], capture, batch_size=2)

    assert (summary.created, summary.merged, summary.unchanged) == (0, 3, 2)


class CrashingSource(LeadSource):
    name = "crashy"

    def read(self, path, options):
        yield LeadRow(2, {"email": "a@example.com"})
        raise KeyError("column")


def test_a_source_that_crashes_is_reported_as_a_lead_source_error_naming_it(tmp_path):
    with pytest.raises(LeadSourceError, match="lead source 'crashy' failed"):
        import_file(CrashingSource(), tmp_path / "x.csv", {}, lambda rows, origin: {})


def test_the_summary_gathers_possible_duplicates_and_shared_lines_of_every_batch():
    reports = iter(
        [
            {"possible_duplicates": 2, "shared_lines": ["+525511112222"]},
            {"possible_duplicates": 1, "shared_lines": ["+525511112222", "info@acme.mx"]},
        ]
    )

    def capture(rows, origin):
        return {"created": len(rows), "merged": 0, "unchanged": 0, "rejected": [], **next(reports)}

    summary = run([lead(line) for line in range(2, 6)], capture, batch_size=2)

    assert summary.possible_duplicates == 3
    assert summary.as_dict()["shared_lines"] == ["+525511112222", "info@acme.mx"]
