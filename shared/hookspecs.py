"""Hook specifications: every way a plugin can extend clientela.

Plugins implement these with ``@clientela.hookimpl`` and are found through the
``clientela`` entry-point group. Each hook is documented here; the reference in
``docs/plugins.md`` lists them and a test fails when one lacks documentation.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from clientela.leads import LeadSource

hookspec = pluggy.HookspecMarker("clientela")


# -- registration: called once when a process builds its plugin registry -----


@hookspec
def clientela_lead_sources(register: Callable[[LeadSource], None]) -> None:
    """Register lead sources (trade fairs, social networks, web forms...).

    :param register: call it once per :class:`clientela.LeadSource` instance the
        plugin provides. When two plugins register the same ``name`` the first
        one called wins; built-in plugins run ``trylast`` so that a third-party
        plugin can replace them.
    :returns: nothing.

    Called the first time a process needs the lead sources (``clientela import``,
    ``clientela plugins``).
    An exception raised here disables this plugin's sources only.

    .. versionadded:: 0.1
    """
