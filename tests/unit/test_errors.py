"""Expected errors: readable messages that name every bad field, across RPC too."""

import pytest
from marshmallow import Schema, fields
from nameko.exceptions import deserialize, serialize

from clientela import errors
from clientela.errors import Conflict, InvalidInput, NotFound


class Address(Schema):
    city = fields.String(required=True)


class Contact(Schema):
    email = fields.Email(required=True)
    age = fields.Integer()
    address = fields.Nested(Address, required=True)


def test_invalid_input_lists_each_field_and_its_problems():
    error = InvalidInput(
        {"email": ["Not a valid email address."], "age": ["Not a valid integer.", "Too old."]}
    )

    assert str(error) == "email: Not a valid email address.; age: Not a valid integer. Too old."


def test_invalid_input_names_nested_fields_with_their_path():
    error = InvalidInput({"address": {"city": ["Missing data for required field."]}})

    assert str(error) == "address.city: Missing data for required field."


def test_invalid_input_keeps_the_errors_mapping():
    problems = {"email": ["Not a valid email address."]}

    assert InvalidInput(problems).errors == problems


def test_load_returns_the_loaded_data():
    data = {"email": "ana@example.com", "address": {"city": "Monterrey"}}

    assert errors.load(Contact(), data) == data


def test_load_raises_invalid_input_naming_every_bad_field():
    with pytest.raises(InvalidInput) as raised:
        errors.load(Contact(), {"email": "nope", "age": "old", "address": {}})

    assert raised.value.errors == {
        "email": ["Not a valid email address."],
        "age": ["Not a valid integer."],
        "address": {"city": ["Missing data for required field."]},
    }
    message = str(raised.value)
    assert "email: Not a valid email address." in message
    assert "age: Not a valid integer." in message
    assert "address.city: Missing data for required field." in message


def test_load_of_many_names_the_item_index():
    with pytest.raises(InvalidInput) as raised:
        errors.load(
            Contact(many=True), [{"email": "ana@example.com", "address": {"city": "x"}}, {}]
        )

    assert "1.email: Missing data for required field." in str(raised.value)


def test_load_of_the_wrong_shape_is_invalid_input():
    with pytest.raises(InvalidInput, match="_schema"):
        errors.load(Contact(), "not an object")


@pytest.mark.parametrize(
    "error",
    [
        InvalidInput({"email": ["Not a valid email address."], "address": {"city": ["Bad."]}}),
        NotFound("prospect abc does not exist"),
        Conflict("status: cannot go from converted to new (allowed: none)"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_cross_rpc_as_themselves(error):
    received = deserialize(serialize(error))

    assert type(received) is type(error)
    assert str(received) == str(error)
    if isinstance(error, InvalidInput):
        assert received.errors == error.errors
