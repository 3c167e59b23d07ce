"""Settings for every clientela process: defaults, then a YAML file, then the environment.

A YAML file (``clientela.yaml`` in the working directory, or the path in
``CLIENTELA_CONFIG``) may use ``${VAR}`` and ``${VAR:default}`` substitution.
Environment variables ``CLIENTELA_<KEY>`` (upper case) win over the file.
Inside a nameko service the settings travel in the container config under the
``CLIENTELA`` key, so a service never reads the environment itself.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from clientela.clock import time_zone

CONFIG_KEY = "CLIENTELA"
_SUBSTITUTION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<default>[^}]*))?\}")


class ConfigError(ValueError):
    """A setting is missing or has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Everything a clientela process can be configured with.

    ``mongo_uri`` left empty means "use the embedded SecantusDB server".
    ``rabbit_api_uri`` (RabbitMQ's management API, read only to tell how long
    events have waited) left empty means ``amqp_uri``'s host and credentials on
    port 15672. ``http_address`` is where prospects takes leads over HTTP,
    ``dashboard_address`` where kpi serves its dashboard.
    """

    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    rabbit_api_uri: str = ""
    mongo_uri: str = ""
    db_prefix: str = "clientela"
    data_dir: str = ".clientela"
    embedded_db_port: int = 27027
    embedded_db_durable: bool = True
    log_level: str = "INFO"
    log_format: str = "text"
    event_retry_attempts: int = 5
    event_retry_delay_ms: int = 2000
    event_batch_size: int = 200
    event_batch_linger_ms: int = 50
    outbox_relay_interval_s: float = 5.0
    outbox_relay_grace_s: float = 10.0
    rpc_timeout_s: float = 60.0
    points_per_currency_unit: float = 1.0
    referral_reward_points: int = 500
    loyalty_programme: str = ""
    default_phone_region: str = "MX"
    default_time_zone: str = "UTC"
    completeness_weights: str = (
        "name=20,email=20,phone=15,company=15,position=10,needs=10,consent=10"
    )
    http_address: str = "127.0.0.1:8000"
    health_address: str = "127.0.0.1:8001"
    dashboard_address: str = "127.0.0.1:8002"
    max_request_bytes: int = 5_000_000
    api_keys: str = ""
    meta_app_secret: str = ""
    classification_interval_s: float = 60.0
    kpi_alert_check_s: float = 60.0
    new_customer_days: int = 90
    inactive_customer_days: int = 180
    rfm_months: int = 12
    abc_months: int = 12
    breach_grace_days: int = 30
    offered_product_lines: str = ""
    smtp_uri: str = ""
    mail_from: str = ""
    smtp_starttls: bool = False
    feedback_http_address: str = "127.0.0.1:8003"
    survey_public_url: str = ""
    survey_link_secret: str = ""
    survey_link_days: int = 14
    survey_quiet_hours: float = 48.0
    survey_frequency_cap_days: int = 30
    survey_triggers: str = ""
    survey_consent_default: bool = True
    survey_channel_timeout_s: float = 30.0
    survey_retry_delay_s: float = 600.0
    survey_max_attempts: int = 5

    def api_key_set(self) -> frozenset[str]:
        """The keys ``Authorization: Bearer <key>`` may carry (``api_keys``, comma-separated)."""
        return frozenset(key.strip() for key in self.api_keys.split(",") if key.strip())

    def product_lines(self) -> frozenset[str]:
        """The product lines on offer (``offered_product_lines``, comma-separated): what a
        customer's relationship scope is measured against."""
        return frozenset(
            line.strip() for line in self.offered_product_lines.split(",") if line.strip()
        )

    def database_name(self, service: str) -> str:
        """Name of the MongoDB database owned by ``service``."""
        return f"{self.db_prefix}_{service}"

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    def nameko_config(self) -> dict[str, Any]:
        """The nameko container config carrying these settings."""
        return {
            "AMQP_URI": self.amqp_uri,
            "WEB_SERVER_ADDRESS": self.http_address,
            "serializer": "json",
            CONFIG_KEY: dataclasses.asdict(self),
        }

    @classmethod
    def from_nameko(cls, config: dict[str, Any]) -> Settings:
        """Settings carried by a nameko container config (defaults when absent)."""
        return cls(**config.get(CONFIG_KEY, {}))


def _substitute(value: Any, environ: dict[str, str]) -> Any:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name, default = match.group("name"), match.group("default")
            if name in environ:
                return environ[name]
            if default is None:
                raise ConfigError(f"config refers to ${{{name}}}, which is not set")
            return default

        return _SUBSTITUTION.sub(replace, value)
    if isinstance(value, dict):
        return {key: _substitute(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, environ) for item in value]
    return value


_BOOLEANS = {"true": True, "yes": True, "on": True, "1": True}
_BOOLEANS.update({"false": False, "no": False, "off": False, "0": False})


def _coerce(name: str, raw: Any, default: Any) -> Any:
    """``raw`` as the type of the setting's default; ConfigError naming it otherwise."""
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        if str(raw).strip().lower() not in _BOOLEANS:
            raise ConfigError(f"{name}: expected true or false, got {raw!r}")
        return _BOOLEANS[str(raw).strip().lower()]
    if raw is None or isinstance(raw, (bool, dict, list)):
        raise ConfigError(f"{name}: expected a {type(default).__name__}, got {raw!r}")
    text = str(raw).strip()
    if isinstance(default, int) and not re.fullmatch(r"[+-]?\d+", text):
        raise ConfigError(f"{name}: expected a whole number, got {raw!r}")
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise ConfigError(f"{name}: expected a number, got {raw!r}") from None
    return int(text) if isinstance(default, int) else text


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Load settings from defaults, the YAML file and the environment, in that order."""
    environ = dict(os.environ if environ is None else environ)
    path = path or environ.get("CLIENTELA_CONFIG")
    if path is None and Path("clientela.yaml").is_file():
        path = "clientela.yaml"
    values: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {path} must hold a mapping of settings")
        values.update(_substitute(loaded, environ))
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting(s) in {path}: {', '.join(unknown)}")
    for name in known:
        env_name = f"CLIENTELA_{name.upper()}"
        if env_name in environ:
            values[name] = environ[env_name]
    defaults = Settings()
    coerced = {name: _coerce(name, raw, getattr(defaults, name)) for name, raw in values.items()}
    settings = Settings(**coerced)
    _check_ranges(settings)
    return settings


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _check_ranges(settings: Settings) -> None:
    """Refuse values that are well-typed but unusable, naming the setting."""
    problems = []
    if settings.log_level.upper() not in _LOG_LEVELS:
        problems.append(f"log_level: must be one of {', '.join(_LOG_LEVELS)}")
    if settings.log_format not in ("text", "json"):
        problems.append("log_format: must be text or json")
    if settings.event_retry_attempts < 1:
        problems.append("event_retry_attempts: must be at least 1")
    if not 0 < settings.embedded_db_port < 65536:
        problems.append("embedded_db_port: must be a TCP port (1-65535)")
    for name in (
        "event_retry_delay_ms",
        "event_batch_linger_ms",
        "points_per_currency_unit",
        "referral_reward_points",
        "outbox_relay_grace_s",
        "breach_grace_days",
        "survey_quiet_hours",
        "survey_frequency_cap_days",
        "survey_retry_delay_s",
    ):
        if getattr(settings, name) < 0:
            problems.append(f"{name}: must not be negative")
    for name in (
        "outbox_relay_interval_s",
        "rpc_timeout_s",
        "max_request_bytes",
        "classification_interval_s",
        "kpi_alert_check_s",
        "event_batch_size",
        "new_customer_days",
        "inactive_customer_days",
        "rfm_months",
        "abc_months",
        "survey_link_days",
        "survey_channel_timeout_s",
        "survey_max_attempts",
    ):
        if getattr(settings, name) <= 0:
            problems.append(f"{name}: must be positive")
    if not re.fullmatch(r"[A-Z]{2}", settings.default_phone_region):
        problems.append("default_phone_region: must be a two-letter country code such as MX")
    try:
        time_zone(settings.default_time_zone)
    except ValueError as exc:
        problems.append(f"default_time_zone: {exc}")
    for name in ("http_address", "health_address", "feedback_http_address", "dashboard_address"):
        if not re.fullmatch(r"[^:\s]+:\d{1,5}", getattr(settings, name)):
            problems.append(f"{name}: must be HOST:PORT")
    if settings.survey_link_secret and len(settings.survey_link_secret.encode()) < 32:
        problems.append("survey_link_secret: must be at least 32 characters (or empty)")
    try:
        completeness_weights(settings.completeness_weights)
    except ValueError as exc:
        problems.append(f"completeness_weights: {exc}")
    if problems:
        raise ConfigError("; ".join(problems))


def host_port(address: str) -> tuple[str, int]:
    """A ``HOST:PORT`` setting (checked when settings load) as a socket address."""
    host, _, port = address.rpartition(":")
    return host, int(port)


COMPLETENESS_FIELDS = ("name", "email", "phone", "company", "position", "needs", "consent")
"""Profile parts the completeness score (I3) weighs; ``name`` means first or last name."""


def completeness_weights(spec: str) -> dict[str, float]:
    """Parse ``name=20,email=20,...`` into weights; ValueError naming what is wrong.

    Parts left out weigh nothing; the weights need not add up to 100 (the
    score is the weighted share present).
    """
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in COMPLETENESS_FIELDS:
            raise ValueError(
                f"{part!r} is not FIELD=WEIGHT with FIELD one of {', '.join(COMPLETENESS_FIELDS)}"
            )
        try:
            weights[key] = float(value)
        except ValueError:
            raise ValueError(f"{key}: weight {value.strip()!r} is not a number") from None
        if weights[key] < 0:
            raise ValueError(f"{key}: weight must not be negative")
    if not sum(weights.values()):
        raise ValueError("at least one weight must be positive")
    return weights
