"""Hook specifications: every way a plugin can extend clientela.

Plugins implement these with ``@clientela.hookimpl`` and are found through the
``clientela`` entry-point group. Each hook is documented here; the reference that ends
``docs/plugins.md`` is generated from these docstrings (``clientela hooks``),
and a test fails when one lacks documentation or the guide is stale.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from clientela.channels import SurveyChannel
from clientela.leads import LeadSource
from clientela.rules import MatchRule, QualificationRule

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
    ``clientela plugins``, the prospects service when it starts, for pushed leads).
    An exception raised here disables this plugin's sources only.

    .. versionadded:: 0.1
    """


@hookspec
def clientela_match_rules(register: Callable[[MatchRule], None]) -> None:
    """Register rules that recognise the same person arriving twice.

    :param register: call it once per :class:`clientela.MatchRule` instance.
        Built-in rules: ``same_email`` and ``same_phone`` (outcome ``merge``),
        ``close_name_at_company`` (outcome ``suggest``); a plugin registering a
        rule of the same ``name`` replaces the built-in one. A rule whose
        ``outcome`` is neither ``merge`` nor ``suggest`` is ignored (logged).
    :returns: nothing.

    Called once when the prospects service starts. Every rule is applied to
    every capture. A ``merge`` rule's match makes the lead one more capture of
    the profile, and merges two profiles the lead matches (an operator can undo
    a merge); a ``suggest`` rule's match puts the pair on the review list
    (``clientela duplicates``). Two records whose e-mails differ and whose
    phones differ are only ever suggested, whatever the rule's outcome.
    An exception raised here disables this plugin's rules only.

    .. versionadded:: 0.1
    """


@hookspec
def clientela_qualification_rules(register: Callable[[QualificationRule], None]) -> None:
    """Register rules that add to a prospect's qualification score.

    :param register: call it once per :class:`clientela.QualificationRule` instance.
        A rule with the ``name`` of a built-in one (``decision_maker``,
        ``needs_stated``, ``reachable``, ``consent_given``, ``referred``,
        ``engaged``) replaces it.
    :returns: nothing.

    Called once when the prospects service starts. The score is the sum of the
    points every rule gives a profile, kept between 0 and 100, and is computed
    again whenever the profile changes; ``clientela rules`` lists every rule
    with its points.
    An exception raised here disables this plugin's rules only.

    .. versionadded:: 0.1
    """


@hookspec
def clientela_survey_channels(register: Callable[[SurveyChannel], None]) -> None:
    """Register survey channels (e-mail, SMS, calls, a suggestion box...).

    :param register: call it once per :class:`clientela.SurveyChannel` instance
        the plugin provides. When two plugins register the same ``name`` the
        first one called wins; built-in channels run ``trylast`` so that a
        third-party plugin can replace them.
    :returns: nothing.

    Called once when the feedback service starts, and by ``clientela plugins``.
    The service then calls each channel's ``send`` with batches of
    :class:`clientela.Invitation` due on it (each with its customer, contact,
    survey questions, signed link and language), expecting one
    :class:`clientela.Delivery` per invitation, and the ``collect`` of every
    channel for the answers it gathered (:class:`clientela.ChannelAnswer`).
    Each call has ``survey_channel_timeout_s`` seconds: a channel that raises
    or hangs fails its own batch, each invitation recorded as failed with the
    reason and retried later, and the other channels go on.
    An exception raised here disables this plugin's channels only.

    .. versionadded:: 0.1
    """
