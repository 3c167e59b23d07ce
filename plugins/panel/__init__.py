"""The fixed panel's fieldwork list (the ``panel`` survey channel).

A panel is the same customers surveyed every quarter: its members are kept
by the feedback service (``clientela surveys panel``), which invites them at
the start of each quarter. Invitations on this channel go to the panel's
fieldwork team as one CSV file per survey and day,
``<data_dir>/panel/<survey>-<YYYY-MM-DD>.csv``: customer, name, e-mail,
phone, language, link; they reach each member as the team arranges (a
visit, a phone round, the panel's own mailing) and are answered through the
link, or entered with ``clientela surveys answer``.
"""

from clientela import hookimpl
from clientela.plugins.panel.channel import PanelFieldwork


@hookimpl(trylast=True)
def clientela_survey_channels(register):
    """Register the panel fieldwork channel."""
    register(PanelFieldwork())
