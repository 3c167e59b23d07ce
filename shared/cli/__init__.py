"""The application layer: the ``clientela`` console script, the platform runner, the RPC client.

It sits on top of the core and finds the services through entry points.
eventlet must patch the standard library before nameko, kombu or pymongo are
imported, so this package imports nothing at first and :func:`main` does only
that before handing over to :mod:`clientela.cli.app`.
"""

from __future__ import annotations

import warnings


def main(argv: list[str] | None = None) -> int:
    """Run the ``clientela`` command line; returns its exit status."""
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    from clientela.cli.app import run

    return run(argv)
