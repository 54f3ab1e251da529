"""The names each listing's pager had before the generic ``Pager``, so that imports keep working.

Apart from ``_pagination``: a client that reads the history never imports the feature costs'
types (``_unit_system``) for them.
"""

from __future__ import annotations

from ._models import HistoryEntry, Page
from ._pagination import AsyncPager, Pager
from ._unit_system import FeatureCost, FeatureCostPage

__all__ = ["AsyncFeatureCostPager", "AsyncHistoryPager", "FeatureCostPager", "HistoryPager"]

HistoryPager = Pager[HistoryEntry, Page]
AsyncHistoryPager = AsyncPager[HistoryEntry, Page]
FeatureCostPager = Pager[FeatureCost, FeatureCostPage]
AsyncFeatureCostPager = AsyncPager[FeatureCost, FeatureCostPage]
