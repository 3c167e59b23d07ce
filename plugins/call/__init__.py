"""Post-transaction follow-up calls (the ``call`` survey channel).

Each invitation becomes a call script for an agent,
``<data_dir>/calls/<invitation_id>.txt``: who to call and on which number,
then the survey's questions, each with its scale. The agent enters the
answers with ``clientela surveys answer INVITATION question=answer ...`` (the
feedback service's ``answer_invitation``), recorded once per invitation.
"""

from clientela import hookimpl
from clientela.plugins.call.channel import CallChannel


@hookimpl(trylast=True)
def clientela_survey_channels(register):
    """Register the follow-up call survey channel."""
    register(CallChannel())
