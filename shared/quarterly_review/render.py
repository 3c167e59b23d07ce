"""The quarterly review as an HTML document (the package's Jinja2 template) and as PDF."""

from __future__ import annotations

import logging
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from clientela.quarterly_review.model import QuarterlyReview

_TEMPLATES = Environment(
    loader=PackageLoader("clientela.quarterly_review", "templates"),
    autoescape=select_autoescape(("html", "j2")),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def number(value: Any, signed: bool = False) -> str:
    """A figure as the report prints it: thousands separated, at most two decimals,
    ``+`` before a rise when ``signed``; an en dash for no value."""
    if value is None:
        return "\N{EN DASH}"
    figure = float(value)
    text = f"{figure:+,.2f}" if signed else f"{figure:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_TEMPLATES.filters["number"] = number


def render_html(review: QuarterlyReview) -> str:
    """The review as a standalone HTML document (styles inline, nothing fetched)."""
    return _TEMPLATES.get_template("quarterly_review.html.j2").render(review=review)


def render_pdf(html: str) -> bytes:
    """``html`` laid out as an A4 landscape PDF by WeasyPrint."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step
    from weasyprint import HTML  # loads Pango and its fonts: only when a PDF is wanted

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
