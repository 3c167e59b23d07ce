"""Errors a caller is expected to handle; they cross RPC as themselves.

Each is registered with nameko's ``deserialize_to_instance`` so that a client
catching ``InvalidInput`` from a remote call gets the same type and fields.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from nameko.exceptions import deserialize_to_instance


class ClientelaError(Exception):
    """Base of clientela's expected errors."""


def _flatten(errors: Any, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        return [
            line for key, value in errors.items() for line in _flatten(value, f"{prefix}{key}.")
        ]
    if isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        return [f"{prefix.rstrip('.')}: {' '.join(errors)}"]
    return [f"{prefix.rstrip('.')}: {errors}"]


def describe_errors(errors: Any, prefix: str = "") -> str:
    """marshmallow's error messages as one line: ``email: Not a valid email address.; ...``."""
    return "; ".join(_flatten(errors, prefix))


@deserialize_to_instance
class InvalidInput(ClientelaError):
    """Input that does not validate; ``errors`` maps each field to its problems."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return describe_errors(self.errors)


@deserialize_to_instance
class NotFound(ClientelaError):
    """The named record does not exist."""


@deserialize_to_instance
class Conflict(ClientelaError):
    """The request contradicts the record's current state (an illegal transition...)."""


@deserialize_to_instance
class Unavailable(ClientelaError):
    """A service the request needs did not answer; the message says which and what to do."""


EXPECTED_ERRORS = (InvalidInput, NotFound, Conflict, Unavailable)
"""What every RPC entrypoint declares as ``expected_exceptions``."""


def load(schema: Schema, data: Any) -> Any:
    """``schema.load(data)``, raising InvalidInput that names every bad field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        raise InvalidInput(
            messages if isinstance(messages, dict) else {"_schema": messages}
        ) from None


_ID = fields.String(required=True, validate=validate.Length(min=1, max=200))


def load_id(name: str, value: Any) -> str:
    """A record id given by a caller: a non-empty string, else InvalidInput naming ``name``."""
    try:
        return _ID.deserialize(value)
    except ValidationError as exc:
        raise InvalidInput({name: exc.messages}) from None
