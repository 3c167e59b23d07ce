"""The trade-fair visitor list: CSV and .xlsx files in the shapes fairs actually hand out."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files

import openpyxl
import pytest

from clientela import workbook
from clientela.columns import HEADER_ALIASES, cell_text, header_key, map_headers
from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugins.fairs.visitor_list import FairVisitorList


@pytest.fixture
def visitor_file(tmp_path):
    def write(text, encoding="utf-8"):
        path = tmp_path / "visitors.csv"
        path.write_bytes(text.encode(encoding))
        return path

    return write


def read(path, options=None):
    return list(FairVisitorList().read(path, options or {}))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        (" Correo-Electrónico ", "correo_electronico"),
        ("TELÉFONO", "telefono"),
        ("E-Mail", "e_mail"),
        ("Job  Title", "job_title"),
        ("Compañía", "compania"),
    ],
)
def test_header_key_ignores_accents_case_and_separators(header, key):
    assert header_key(header) == key


def test_map_headers_recognises_spanish_headers_and_keeps_unknown_ones_as_extra():
    headers = ["Nombre", "Apellidos", "Correo Electrónico", "TELÉFONO", "Empresa", "Stand"]

    assert map_headers(headers) == [
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        None,
    ]


def test_english_headers(visitor_file):
    path = visitor_file(
        "First Name,Last Name,Email,Phone,Company,Job Title\n"
        "Ann,Lee,ann@example.com,555 0100,Acme,Buyer\n"
    )

    assert read(path) == [
        LeadRow(
            2,
            {
                "first_name": "Ann",
                "last_name": "Lee",
                "email": "ann@example.com",
                "phone": "555 0100",
                "company": "Acme",
                "position": "Buyer",
            },
        )
    ]


SPANISH = (
    "Nombre;Apellidos;Correo Electrónico;TELÉFONO;Empresa\n"
    "José;Núñez Peña;jose@agro.mx;55 1234 5678;Agroinsumos del Bajío, S.A.\n"
)
SPANISH_ROW = LeadRow(
    2,
    {
        "first_name": "José",
        "last_name": "Núñez Peña",
        "email": "jose@agro.mx",
        "phone": "55 1234 5678",
        "company": "Agroinsumos del Bajío, S.A.",
    },
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_spanish_semicolon_file_in_any_accepted_encoding(visitor_file, encoding):
    assert read(visitor_file(SPANISH, encoding)) == [SPANISH_ROW]


def test_byte_order_mark_does_not_hide_the_first_header(visitor_file):
    path = visitor_file("email,first_name\nann@example.com,Ann\n", "utf-8-sig")

    assert read(path) == [LeadRow(2, {"email": "ann@example.com", "first_name": "Ann"})]


def test_tab_separated_file(visitor_file):
    path = visitor_file("email\tfirst_name\nann@example.com\tAnn\n")

    assert read(path) == [LeadRow(2, {"email": "ann@example.com", "first_name": "Ann"})]


def test_values_are_trimmed_and_empty_values_left_out(visitor_file):
    path = visitor_file("email,first_name,company\n  ann@example.com , Ann ,\n")

    assert read(path) == [LeadRow(2, {"email": "ann@example.com", "first_name": "Ann"})]


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(visitor_file):
    path = visitor_file(
        "email,first_name\n"  # line 1
        "ann@example.com,Ann\n"  # line 2
        "\n"  # line 3
        ",\n"  # line 4: only separators
        "bob@example.com,Bob\n"  # line 5
    )

    assert [(row.line, row.fields["email"]) for row in read(path)] == [
        (2, "ann@example.com"),
        (5, "bob@example.com"),
    ]


def test_windows_line_endings(visitor_file):
    path = visitor_file("email,first_name\r\nann@example.com,Ann\r\nbob@example.com,Bob\r\n")

    assert [(row.line, row.fields["first_name"]) for row in read(path)] == [
        (2, "Ann"),
        (3, "Bob"),
    ]


def test_extra_columns_are_kept_under_their_normalised_header(visitor_file):
    path = visitor_file("email,Badge Nº,Stand Visitado,Notes\nann@example.com,B-17,Hall 3,\n")

    (row,) = read(path)

    assert row.fields == {"email": "ann@example.com"}
    assert row.extra == {"badge_no": "B-17", "stand_visitado": "Hall 3"}


def test_a_row_with_more_values_than_headers_is_a_problem_with_its_line(visitor_file):
    path = visitor_file(
        "email,first_name\nann@example.com,Ann\nbob@example.com,Bob,surplus\ncy@example.com,Cy\n"
    )

    rows = read(path)

    assert rows[0] == LeadRow(2, {"email": "ann@example.com", "first_name": "Ann"})
    assert isinstance(rows[1], RowProblem)
    assert rows[1].line == 3
    assert "3 values for 2 columns" in rows[1].reason
    assert rows[2] == LeadRow(4, {"email": "cy@example.com", "first_name": "Cy"})


def test_a_row_with_fewer_values_than_headers_is_read(visitor_file):
    path = visitor_file("email,first_name,company\nann@example.com\n")

    assert read(path) == [LeadRow(2, {"email": "ann@example.com"})]


def test_a_quoted_multi_line_value_reports_the_line_the_row_starts_on(visitor_file):
    path = visitor_file('email,notes\nann@example.com,"met at stand\nwants a quote"\n')

    (row,) = read(path)

    assert row.fields["needs"] == "met at stand\nwants a quote"
    assert row.line == 2


def test_a_file_without_an_email_column_is_refused_listing_accepted_headers(visitor_file):
    path = visitor_file("nombre,empresa\nAna,Acme\n")

    with pytest.raises(LeadSourceError) as raised:
        read(path)

    message = str(raised.value)
    assert "nombre, empresa" in message
    for accepted in ("email", "e_mail", "correo", "correo_electronico"):
        assert accepted in message


def test_an_empty_file_is_refused(visitor_file):
    with pytest.raises(LeadSourceError, match="empty"):
        read(visitor_file(""))


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(LeadSourceError, match=r"no-such-file\.csv"):
        read(tmp_path / "no-such-file.csv")


def test_the_bundled_sample_is_readable():
    rows = read(files("clientela.plugins.fairs") / "samples" / "visitors.csv")

    assert all(isinstance(row, LeadRow) for row in rows)
    assert [row.line for row in rows] == list(range(2, 2 + len(rows)))
    assert rows[0].fields["first_name"] == "María"
    assert all(row.fields.get("email") for row in rows)


def test_trailing_empty_cells_from_spreadsheets_are_not_a_problem(visitor_file):
    [row] = read(visitor_file("email,first_name\nann@example.com,Ann,,\n"))

    assert row == LeadRow(2, {"email": "ann@example.com", "first_name": "Ann"}, {})


def test_every_accepted_header_is_documented_for_users():
    import clientela.plugins.fairs as fairs

    documented = fairs.__doc__.replace("\n              ", " ")
    for field, aliases in HEADER_ALIASES.items():
        line = next(row for row in documented.splitlines() if row.startswith(field))
        assert line.split()[1:] == [f"{alias}," for alias in aliases[:-1]] + [aliases[-1]]


def test_mexican_split_surnames_and_a_full_name_column(visitor_file):
    path = visitor_file(
        "Nombre completo,Apellido Paterno,Apellido Materno,Correo electrónico,Razón social\n"
        "José Luis,Pérez,Gómez,jl@example.mx,Aceros SA\n"
    )

    [row] = read(path)

    assert row.fields == {
        "first_name": "José Luis",
        "last_name": "Pérez Gómez",
        "email": "jl@example.mx",
        "company": "Aceros SA",
    }


def test_notes_and_comments_columns_are_the_visitor_needs(visitor_file):
    path = visitor_file("email,Intereses,Comentarios\nann@example.com,Bombas,Llamar en abril\n")

    [row] = read(path)

    assert row.fields["needs"] == "Bombas Llamar en abril"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (5511112222.0, "5511112222"),
        (5511112222, "5511112222"),
        (3.5, "3.5"),
        (True, "true"),
        (datetime(2026, 3, 12), "2026-03-12"),
        (datetime(2026, 3, 12, 10, 5), "2026-03-12T10:05:00"),
        (date(2026, 3, 12), "2026-03-12"),
        ("  as typed ", "  as typed "),
    ],
)
def test_cell_text_reads_cells_as_people_see_them(value, text):
    assert cell_text(value) == text


# --- Fair options --------------------------------------------------------------------------------


def test_fair_and_its_date_are_the_origin_of_every_row(visitor_file):
    path = visitor_file("email\nann@example.com\nbob@example.com\n")

    rows = read(path, {"fair": "Expo Ferretera 2026", "fair_date": "2026-03-12"})

    assert [row.origin for row in rows] == [
        {"fair": "Expo Ferretera 2026", "fair_date": "2026-03-12"},
        {"fair": "Expo Ferretera 2026", "fair_date": "2026-03-12"},
    ]


def test_a_fair_date_that_is_not_a_date_is_refused_naming_the_option(visitor_file):
    path = visitor_file("email\nann@example.com\n")

    with pytest.raises(LeadSourceError, match=r"fair_date.*'12/03/2026'.*YYYY-MM-DD"):
        read(path, {"fair_date": "12/03/2026"})


# --- Badge scans ---------------------------------------------------------------------------------

BADGE_SCANS = (
    "Gafete,Correo,Fecha escaneo,Acepta contacto\n"
    "B-1,ann@example.com,2026-03-12T10:05:00,Sí\n"
    "B-2,bob@example.com,2026-03-12T11:00:00,no\n"
    "B-3,cy@example.com,,X\n"
)


def test_badge_scans_keep_the_badge_and_record_consent_at_the_scan_time(visitor_file):
    ann, bob, cy = read(visitor_file(BADGE_SCANS), {"fair_date": "2026-03-12"})

    assert ann.extra == {"badge_id": "B-1"}
    assert ann.identified_at == "2026-03-12T10:05:00"
    assert ann.consent == {
        "purpose": "contact about the fair's offer",
        "given_at": "2026-03-12T10:05:00",
        "method": "badge scan at the stand",
    }
    assert bob.consent == {}
    assert (cy.identified_at, cy.consent["given_at"]) == ("2026-03-12", "2026-03-12")


def test_badge_scan_consent_without_a_time_is_left_to_the_service(visitor_file):
    ann, _bob, cy = read(visitor_file(BADGE_SCANS), {"consent_purpose": "e-mails about pumps"})

    assert ann.consent["purpose"] == "e-mails about pumps"
    assert cy.identified_at == ""  # no scan time, no fair date: the service takes receipt
    assert cy.consent["given_at"] == ""
    assert cy.extra == {"badge_id": "B-3"}


@pytest.mark.parametrize(
    ("header", "cell", "identified"),
    [
        ("captured_at", "2025-03-12T10:05:00", "2025-03-12T10:05:00"),
        ("Scanned At", "2025-03-12 10:05", "2025-03-12 10:05"),  # ISO: kept as written
        ("Date", "2025-03-12", "2025-03-12"),
        ("Fecha", "12/03/2025", "2025-03-12"),
        ("FECHA", "12-03-2025 10:05", "2025-03-12T10:05:00"),
        ("fécha", "1.3.2025", "2025-03-01"),
        ("Fecha de visita", "2025-03-12T10:05:00-06:00", "2025-03-12T10:05:00-06:00"),
    ],
)
def test_a_row_is_identified_at_its_own_date_or_time(visitor_file, header, cell, identified):
    path = visitor_file(f"email,{header}\nann@example.com,{cell}\n")

    [row] = read(path, {"fair_date": "2025-03-14"})

    assert row.identified_at == identified
    assert row.extra == {}


def test_rows_without_a_time_are_identified_on_the_fair_date(visitor_file):
    path = visitor_file("email,fecha\nann@example.com,\nbob@example.com,13/03/2025\n")

    ann, bob = read(path, {"fair_date": "2025-03-12"})

    assert (ann.identified_at, bob.identified_at) == ("2025-03-12", "2025-03-13")
    # where each time came from, in the user's words, for the errors about it
    assert (ann.identified_from, bob.identified_from) == ("option fair_date", "fecha")


def test_a_pre_registration_list_for_a_fair_to_come_keeps_the_date_as_origin_only(
    visitor_file,
):
    coming = (datetime.now(UTC).date() + timedelta(days=60)).isoformat()
    path = visitor_file("nombre,correo,fecha\nAna,ana@example.com,\nBea,bea@example.com,\n")

    ana, bea = read(path, {"fair": "Expo 2027", "fair_date": coming})

    # identified when they reach clientela, not refused as identified in the future
    assert (ana.identified_at, bea.identified_at) == ("", "")
    assert ana.origin == {"fair": "Expo 2027", "fair_date": coming}


def test_the_time_zone_option_says_where_times_without_one_were_written(visitor_file):
    path = visitor_file("correo,fecha_escaneo\nana@example.com,12/03/2026 09:20\n")

    [ana] = read(path, {"time_zone": " Europe/Madrid "})

    assert (ana.identified_at, ana.time_zone) == ("2026-03-12T09:20:00", "Europe/Madrid")
    assert ana.as_message()["time_zone"] == "Europe/Madrid"
    [without] = read(path)
    assert "time_zone" not in without.as_message()  # the service's default_time_zone


def test_a_time_zone_that_does_not_exist_is_refused_naming_the_option(visitor_file):
    path = visitor_file("correo\nana@example.com\n")

    with pytest.raises(LeadSourceError, match=r"option time_zone: 'Madrid' is not a time zone"):
        read(path, {"time_zone": "Madrid"})


def test_a_row_whose_date_cannot_be_read_is_a_problem_naming_its_column(visitor_file):
    path = visitor_file("email,Fecha\nann@example.com,31/02/2025\nbob@example.com,ayer\n")

    ann, bob = read(path)

    assert isinstance(ann, RowProblem) and ann.reason.startswith("Fecha: '31/02/2025'")
    assert isinstance(bob, RowProblem) and bob.reason.startswith("Fecha: 'ayer' is not a date")


# --- Excel workbooks -----------------------------------------------------------------------------


@pytest.fixture
def workbook_file(tmp_path):
    def write(*sheets, name="visitors.xlsx"):
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    return write


def test_xlsx_with_spanish_headers_numeric_phones_and_dates(workbook_file):
    path = workbook_file(
        (
            "Visitantes",
            [
                [],  # the header is the first non-empty row
                [None, "Nombre", "Correo electrónico", "Teléfono", "Fecha de visita"],
                [None, "José", "jose@agro.mx", 5511112222.0, datetime(2026, 3, 12)],
                [],
                [None, "Ana", "ana@agro.mx", 5522223333, datetime(2026, 3, 13, 9, 30), None, None],
            ],
        )
    )

    assert read(path) == [
        LeadRow(
            3,
            {"first_name": "José", "email": "jose@agro.mx", "phone": "5511112222"},
            identified_at="2026-03-12",  # a date cell
        ),
        LeadRow(
            5,
            {"first_name": "Ana", "email": "ana@agro.mx", "phone": "5522223333"},
            identified_at="2026-03-13T09:30:00",  # a date and time cell
        ),
    ]


def test_xlsx_badge_scans_with_a_real_scan_time(workbook_file):
    path = workbook_file(
        (
            "Scans",
            [
                ["badge_id", "email", "scanned_at", "consent"],
                ["B-1", "ann@example.com", datetime(2026, 3, 12, 10, 5), True],
            ],
        )
    )

    [row] = read(path, {"fair": "Expo"})

    assert row.origin == {"fair": "Expo"}
    assert row.consent["given_at"] == "2026-03-12T10:05:00"


def test_the_sheet_option_chooses_the_worksheet(workbook_file):
    path = workbook_file(
        ("Resumen", [["Total", 2]]),
        ("Visitantes", [["email"], ["ann@example.com"]]),
    )

    assert read(path, {"sheet": "Visitantes"}) == [LeadRow(2, {"email": "ann@example.com"})]


def test_an_unknown_sheet_is_refused_listing_the_sheets(workbook_file):
    path = workbook_file(("Resumen", [["email"]]), ("Visitantes", [["email"]]))

    with pytest.raises(LeadSourceError, match=r"sheet.*'Scans'.*Resumen, Visitantes"):
        read(path, {"sheet": "Scans"})


def test_an_xlsx_without_an_email_column_is_refused(workbook_file):
    path = workbook_file(("Hoja", [["Nombre", "Empresa"], ["Ana", "Acme"]]))

    with pytest.raises(LeadSourceError, match="no email column among Nombre, Empresa"):
        read(path)


def test_an_empty_workbook_is_refused(workbook_file):
    with pytest.raises(LeadSourceError, match="empty"):
        read(workbook_file(("Hoja", [])))


def test_old_xls_files_are_refused_with_what_to_do(tmp_path):
    path = tmp_path / "visitors.XLS"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    with pytest.raises(LeadSourceError, match=r"\.xls.*save it as \.xlsx or CSV"):
        read(path)


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "visitors.xlsx"
    path.write_text("email\nann@example.com\n")

    with pytest.raises(LeadSourceError, match=r"not a readable \.xlsx workbook"):
        read(path)


def test_a_large_workbook_is_streamed_row_by_row(tmp_path, monkeypatch):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Scans")
    sheet.append(["email", "phone"])
    for number in range(5000):
        sheet.append([f"visitor{number}@example.com", 5500000000 + number])
    path = tmp_path / "scans.xlsx"
    book.save(path)
    opened = []

    def spy(*args, **kwargs):
        opened.append(kwargs)
        return openpyxl.load_workbook(*args, **kwargs)

    monkeypatch.setattr(workbook, "load_workbook", spy)

    rows = FairVisitorList().read(path, {})

    assert isinstance(rows, Iterator)
    assert next(rows) == LeadRow(2, {"email": "visitor0@example.com", "phone": "5500000000"})
    assert opened == [{"read_only": True, "data_only": True}]
    rows.close()


def test_the_bundled_xlsx_sample_is_readable():
    rows = read(files("clientela.plugins.fairs") / "samples" / "visitors.xlsx")

    assert all(isinstance(row, LeadRow) for row in rows)
    assert rows[0].fields["phone"] == "5512345678"
    assert rows[0].extra["badge_id"] == "EXP-0001"
    assert rows[0].consent["method"] == "badge scan at the stand"
