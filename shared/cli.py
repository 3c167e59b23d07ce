"""The ``clientela`` console script.

eventlet must patch the standard library before nameko, kombu or pymongo are
imported, so this entry point does only that and hands over to
:mod:`clientela.commands`.
"""

from __future__ import annotations

import warnings


def main(argv: list[str] | None = None) -> int:
    """Run the ``clientela`` command line."""
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    from clientela.commands import run

    return run(argv)
