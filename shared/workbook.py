"""Reading the rows of an Excel workbook (.xlsx), streamed, as text cells."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from clientela.columns import NumberedCells, cell_text
from clientela.leads import LeadSourceError


def xlsx_rows(path: Path, sheet: str | None = None) -> Iterator[NumberedCells]:
    """The rows of a worksheet, lazily, each with its row number (1 for the first).

    The first worksheet unless ``sheet`` names another. The workbook is opened
    read-only, so a large file is never loaded whole; cells become text with
    :func:`clientela.columns.cell_text` (formulas give their last computed
    value). Raise LeadSourceError when the file is not a readable workbook or
    has no such sheet.
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise LeadSourceError(f"cannot read {path}: {exc.strerror}") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise LeadSourceError(f"{path} is not a readable .xlsx workbook: {exc}") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise LeadSourceError(
                f"option sheet: {path} has no sheet {sheet!r}"
                f" (sheets: {', '.join(workbook.sheetnames)})"
            )
        worksheet.reset_dimensions()  # some writers record wrong ones, which would cut rows off
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in values]
    finally:
        workbook.close()
