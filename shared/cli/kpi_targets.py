"""``clientela kpi targets``, ``references`` and ``alerts``: the targets the indicators are
held to, the values they are compared with elsewhere, and the alerts on values out of range."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from clientela.cli.client import platform
from clientela.cli.context import settings
from clientela.cli.output import json_option, print_json, print_table, say
from clientela.cli.review import by_option
from clientela.vocabulary import KPI_GRANULARITIES

PERIOD_HELP = "A period key: 2026 (year), 2026-Q4, 2026-11 or 2026-11-23."


def _kpi(ctx: click.Context) -> Any:
    return platform(settings(ctx), "kpi")


def _segment(ctx: click.Context, param: click.Parameter, given: str | None) -> dict[str, str]:
    """``source=fairs`` as ``{"source": "fairs"}``."""
    if given is None:
        return {}
    name, sep, value = given.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise click.BadParameter("Must be DIMENSION=VALUE, e.g. source=fairs.")
    return {name.strip(): value.strip()}


def _segment_text(segment: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in segment.items())


def _covers(target: dict[str, Any]) -> str:
    """``every quarter`` or ``2026-Q4``: the periods a target covers."""
    return target["period"] or f"every {target['granularity']}"


def _range(target: float, tolerance: float, direction: str) -> str:
    """Where values fall out of range of a target: ``below 85`` or ``above 26``."""
    if direction == "higher":
        return f"below {target - tolerance:g}"
    return f"above {target + tolerance:g}"


def _version_range(version: dict[str, Any]) -> str:
    """Where a target's version puts values out of range."""
    return _range(version["value"], version["tolerance"], version["direction"])


@click.group()
def targets() -> None:
    """Targets ("metas cuantitativas"): the value each indicator should reach, kept with
    their history."""


@targets.command(name="set")
@click.argument("indicator")
@click.argument("value", type=float)
@click.option(
    "--tolerance",
    type=float,
    default=0.0,
    show_default=True,
    help="How far past the target, in the indicator's unit, a value is still in range.",
)
@click.option("--granularity", type=click.Choice(KPI_GRANULARITIES), help="Default: month.")
@click.option("--period", help=f"Only this period. {PERIOD_HELP}")
@click.option(
    "--segment",
    callback=_segment,
    metavar="DIMENSION=VALUE",
    help="One part of an indicator broken down by it, e.g. source=fairs for I1_by_source.",
)
@click.option(
    "--direction",
    type=click.Choice(("higher", "lower")),
    help="Which way is better, for indicators the catalogue says neither of.",
)
@by_option
@json_option
@click.pass_context
def set_target(ctx: click.Context, by: str, as_json: bool, **target: Any) -> None:
    """Set the target of INDICATOR to VALUE (a new version if it was set before)."""
    given = {name: value for name, value in target.items() if value not in (None, {})}
    with _kpi(ctx) as rpc:
        saved = rpc.kpi.set_target(by=by, **given)
    if as_json:
        print_json(saved)
        return
    segment = f" for {_segment_text(saved['segment'])}" if saved["segment"] else ""
    say(
        f"target {saved['indicator']}{segment} ({_covers(saved)}): {saved['value']:g}, "
        f"{saved['direction']} is better, tolerance {saved['tolerance']:g}: out of range "
        f"{_version_range(saved)}; version {len(saved['history'])}, set by {saved['set_by']}"
    )


@targets.command(name="load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@by_option
@json_option
@click.pass_context
def load_targets(ctx: click.Context, file: Path, by: str, as_json: bool) -> None:
    """Set the targets listed in a YAML FILE (a list of entries with the fields of ``set``:
    indicator, value, tolerance, granularity, period, segment, direction); bad entries are
    reported by position and field, the good ones are set."""
    try:
        # every value read as text (2026-11 stays a period, not a date); the service
        # parses numbers and names what it cannot parse
        entries = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise click.BadParameter(f"not YAML: {exc}", param_hint="FILE") from None
    if not isinstance(entries, list):
        raise click.BadParameter("must hold a list of targets", param_hint="FILE")
    with _kpi(ctx) as rpc:
        loaded = rpc.kpi.set_targets(entries, by)
    if as_json:
        print_json(loaded)
        return
    say(f"{len(loaded['saved'])} targets set, {len(loaded['problems'])} entries refused")
    for problem in loaded["problems"]:
        for field, messages in problem["errors"].items():
            reasons = messages if isinstance(messages, list) else [str(messages)]
            say(f"  entry {problem['position']}: {field}: {' '.join(map(str, reasons))}")


@targets.command(name="list")
@click.option("--history", is_flag=True, help="Every version of each target, oldest first.")
@json_option
@click.pass_context
def list_targets(ctx: click.Context, history: bool, as_json: bool) -> None:
    """List the targets in force (with --history, every version set)."""
    with _kpi(ctx) as rpc:
        found = rpc.kpi.targets()
    if as_json:
        print_json(found)
        return
    rows = [
        [
            target["indicator"],
            _covers(target),
            _segment_text(target["segment"]),
            *([number] if history else []),
            version["value"],
            version["tolerance"],
            version["direction"],
            _version_range(version),
            version["set_by"],
            version["set_at"],
        ]
        for target in found
        for number, version in (enumerate(target["history"], start=1) if history else [(0, target)])
    ]
    print_table(
        [
            "indicator",
            "periods",
            "segment",
            *(["version"] if history else []),
            "target",
            "tolerance",
            "better",
            "out of range",
            "set by",
            "set at",
        ],
        rows,
        empty="(no targets)",
        right=("version", "target", "tolerance"),
    )


@click.group()
def references() -> None:
    """External reference values (sector benchmark, last year's audit) shown beside ours."""


@references.command(name="set")
@click.argument("indicator")
@click.argument("value", type=float)
@click.option("--label", required=True, help="Where the value comes from, e.g. 'Sector 2025'.")
@click.option("--period", help=f"The period it is about. {PERIOD_HELP}")
@by_option
@json_option
@click.pass_context
def set_reference(ctx: click.Context, as_json: bool, **reference: Any) -> None:
    """Set an external reference VALUE of INDICATOR (replacing one with the same label and
    period)."""
    with _kpi(ctx) as rpc:
        saved = rpc.kpi.set_reference(**reference)
    if as_json:
        print_json(saved)
        return
    period = f" ({saved['period']})" if saved["period"] else ""
    say(f"reference {saved['indicator']} {saved['label']}{period}: {saved['value']:g}")


@references.command(name="list")
@json_option
@click.pass_context
def list_references(ctx: click.Context, as_json: bool) -> None:
    """List the external reference values, by indicator."""
    with _kpi(ctx) as rpc:
        found = rpc.kpi.references()
    if as_json:
        print_json(found)
        return
    print_table(
        ["indicator", "label", "period", "value", "set by", "set at"],
        [
            [r["indicator"], r["label"], r["period"], r["value"], r["set_by"], r["set_at"]]
            for r in found
        ],
        empty="(no references)",
        right=("value",),
    )


@click.group(invoke_without_command=True)
@click.option("--all", "every", is_flag=True, help="Also those linked to an action or dismissed.")
@json_option
@click.pass_context
def alerts(ctx: click.Context, every: bool, as_json: bool) -> None:
    """List the open alerts on indicators out of range (with --all, every alert)."""
    if ctx.invoked_subcommand is not None:
        return
    with _kpi(ctx) as rpc:
        found = rpc.kpi.alerts(not every)
    if as_json:
        print_json(found)
        return
    print_table(
        [
            "alert",
            "indicator",
            "period",
            "segment",
            "value",
            "target",
            "out of range",
            "raised at",
            "state",
            "answer",
        ],
        [
            [
                a["id"],
                a["indicator"],
                a["period"],
                _segment_text(a["segment"]),
                a["value"],
                a["target"],
                _range(a["target"], a["tolerance"], a["direction"]),
                a["raised_at"],
                a["state"],
                _answer(a),
            ]
            for a in found
        ],
        empty="(no open alerts)" if not every else "(no alerts)",
        right=("value", "target"),
    )
    if any(a["state"] == "open" for a in found):
        say()
        say(
            "An open alert asks for an action plan: clientela actions add ... --alert ALERT, "
            "or clientela kpi alerts dismiss ALERT --reason TEXT."
        )


def _answer(alert: dict[str, Any]) -> str:
    """The action answering an alert (and its effect once closed), or why it was dismissed."""
    if alert["state"] == "dismissed":
        return f"dismissed by {alert['dismissed_by']}: {alert['dismissed_reason']}"
    if alert["action_id"] is None:
        return ""
    outcome = alert["action"]
    closed = f", closed: effect {outcome['effect']}" if outcome else ""
    return f"action {alert['action_id']}{closed}"


@alerts.command()
@click.argument("alert_id", metavar="ALERT_ID")
@click.option("--reason", required=True, help="Why the alert calls for no action plan.")
@by_option
@json_option
@click.pass_context
def dismiss(ctx: click.Context, alert_id: str, reason: str, by: str, as_json: bool) -> None:
    """Dismiss an open alert, saying why it calls for no action plan."""
    with _kpi(ctx) as rpc:
        dismissed = rpc.kpi.dismiss_alert(alert_id, reason, by)
    if as_json:
        print_json(dismissed)
        return
    who, why = dismissed["dismissed_by"], dismissed["dismissed_reason"]
    say(f"alert {alert_id} dismissed by {who}: {why}")


@alerts.command()
@json_option
@click.pass_context
def check(ctx: click.Context, as_json: bool) -> None:
    """Check every target now (kpi does so every kpi_alert_check_s) and list the alerts it
    raised."""
    with _kpi(ctx) as rpc:
        raised = rpc.kpi.check_targets()
    if as_json:
        print_json(raised)
        return
    say(f"{len(raised)} new alerts" + (f": {', '.join(raised)}" if raised else ""))
