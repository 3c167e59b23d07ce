"""What the invitation use cases are configured with, and its provider for the service.

Built once when the feedback service starts: the rules from the settings
(quiet period, frequency cap, which trigger sends which survey on which
channel), the web-link secret, and the survey channels discovered through
the ``clientela`` entry-point group.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from nameko.extensions import DependencyProvider

from clientela.channels import SurveyChannel
from clientela.config import ConfigError, Settings
from clientela.errors import InvalidInput
from clientela.plugin_manager import load_plugins
from clientela.services.feedback.domain.invitations import InvitationPolicy, Trigger
from clientela.services.feedback.domain.tokens import MIN_SECRET_BYTES
from clientela.services.feedback.domain.trigger_rules import TriggerRule, trigger_rules

SECRET_FILE = "survey-link.key"
"""Where a generated web-link secret is kept (in ``data_dir``) when none is set."""


@dataclass(frozen=True)
class InvitationSetup:
    """Rules, secret, link and retry settings, and the channels by name."""

    policy: InvitationPolicy
    rules: Mapping[Trigger, TriggerRule]
    secret: bytes
    link_base: str
    link_validity: timedelta
    consent_default: bool
    retry_delay: timedelta
    max_attempts: int
    timeout_s: float
    channels: Mapping[str, SurveyChannel]
    settings: Settings

    def link(self, token: str) -> str:
        """The web-form address of ``token``."""
        return f"{self.link_base}/surveys/{token}"


def link_secret(settings: Settings) -> bytes:
    """The ``survey_link_secret`` setting, or one generated once and kept in ``data_dir``.

    Every instance of the service must share it: set it when they do not
    share ``data_dir``.
    """
    if settings.survey_link_secret:
        return settings.survey_link_secret.encode()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(MIN_SECRET_BYTES), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip().encode()


def _rules(settings: Settings) -> dict[Trigger, TriggerRule]:
    try:
        return trigger_rules(settings.survey_triggers)
    except InvalidInput as exc:
        raise ConfigError(f"survey_triggers: {exc.errors['survey_triggers'][0]}") from None


def build_setup(settings: Settings, channels: Mapping[str, SurveyChannel]) -> InvitationSetup:
    """The setup ``settings`` describe, with ``channels``; ConfigError naming
    ``survey_triggers`` when it cannot be read."""
    return InvitationSetup(
        policy=InvitationPolicy(
            quiet_period=timedelta(hours=settings.survey_quiet_hours),
            frequency_cap=timedelta(days=settings.survey_frequency_cap_days),
        ),
        rules=_rules(settings),
        secret=link_secret(settings),
        link_base=(settings.survey_public_url or f"http://{settings.feedback_http_address}").rstrip(
            "/"
        ),
        link_validity=timedelta(days=settings.survey_link_days),
        consent_default=settings.survey_consent_default,
        retry_delay=timedelta(seconds=settings.survey_retry_delay_s),
        max_attempts=settings.survey_max_attempts,
        timeout_s=settings.survey_channel_timeout_s,
        channels=channels,
        settings=settings,
    )


class InvitationSetupProvider(DependencyProvider):
    """Provides the :class:`InvitationSetup`, built when the service starts."""

    def setup(self) -> None:
        settings = Settings.from_nameko(self.container.config)
        self.invitation_setup = build_setup(settings, load_plugins().survey_channels())

    def get_dependency(self, worker_ctx: Any) -> InvitationSetup:
        return self.invitation_setup
