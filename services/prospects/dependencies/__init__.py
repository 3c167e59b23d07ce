"""The prospects service's dependencies: its plugin-provided pipeline and its storage.

``ProspectsStorage`` is the unit of work the ``Storage`` dependency gives each
worker; ``FakeProspectsStorage`` does the same in memory for handler tests.
"""

from clientela.services.prospects.dependencies.fake import FakeProspectsStorage
from clientela.services.prospects.dependencies.pipeline import Pipeline, PipelineProvider
from clientela.services.prospects.dependencies.storage import ProspectsStorage

__all__ = ["FakeProspectsStorage", "Pipeline", "PipelineProvider", "ProspectsStorage"]
