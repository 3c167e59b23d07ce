"""docs/events.md is what integrators read: it must match the catalogue in code."""

from pathlib import Path

from clientela.events import catalogue_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_the_event_catalogue_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/events.md is stale: regenerate it with `clientela events > docs/events.md`"
    )
