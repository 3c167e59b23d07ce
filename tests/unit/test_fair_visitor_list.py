"""The trade-fair visitor list: CSV files in the shapes fairs actually hand out."""

from importlib.resources import files

import pytest

from clientela.leads import LeadRow, LeadSourceError, RowProblem
from clientela.plugins.fairs.visitor_list import FairVisitorList, header_key, map_headers


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

    assert row.extra == {"notes": "met at stand\nwants a quote"}
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
    from clientela.plugins.fairs.visitor_list import HEADER_ALIASES

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
