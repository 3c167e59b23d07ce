"""A stand-in for one service behind a CLI command group, and a way to run commands."""

import contextlib
from types import ModuleType, SimpleNamespace

from click.testing import CliRunner

from clientela.cli.app import clientela


class RecordingService:
    """Answers each RPC method with a canned answer and records the calls made to it."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __getattr__(self, method):
        def call(*args, **kwargs):
            self.calls.append((method, args, kwargs))
            return self.answers[method]

        return call


def serve(monkeypatch, commands: ModuleType, name: str, answers: dict) -> RecordingService:
    """Make the command module ``commands`` reach a :class:`RecordingService` as ``name``."""
    service = RecordingService(answers)
    proxy = SimpleNamespace(**{name: service})
    monkeypatch.setattr(
        commands, "platform", lambda settings, *names: contextlib.nullcontext(proxy)
    )
    monkeypatch.setattr(commands, "settings", lambda ctx: None)
    return service


def run(*argv: str) -> str:
    """The output of ``clientela *argv``, which must succeed."""
    result = CliRunner().invoke(clientela, list(argv), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output
