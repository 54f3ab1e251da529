"""The mock's balance and feature costs, consistent with its history.

The balance is the net of the whole history, bucket by bucket: every entry's ``info.credits``
names the bucket it changed (``amount_dec`` when sent, else ``amount``), so a bucket holds the sum
of its changes (grants minus spending minus expiries). The sum is kept as entries arrive, so a
balance request costs the new entries only. Each bucket's type and expiry are a pure function of
the seed; every expiry lies after :data:`MOCK_NOW_MS`, the instant the data set is "now" at.

Feature costs are a fixed list of SKUs, paged like the vendor's: ``next_token`` is the base64 of
the next page's offset (the vendor's example ``MjA`` is ``20``), and null on the last page.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Final

from youcam_units._models import DAY_MS
from youcam_units.mock._data import ANCHOR_MS, _rng, _unit_ids, make_entry
from youcam_units.mock._wire import Served, page_request

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BALANCE_PATH",
    "DEFAULT_API_KEY",
    "FEATURE_COST_PATH",
    "MOCK_NOW_MS",
    "SKUS",
    "UnitSystem",
]

BALANCE_PATH: Final = "/s2s/v1.0/client/credit"
FEATURE_COST_PATH: Final = "/s2s/v2.0/credit/feature-cost"
DEFAULT_API_KEY: Final = "demo-api-key"
"""The public demo API key, not a secret."""
MOCK_NOW_MS: Final = ANCHOR_MS
"""2026-11-01T00:00:00Z: the original history ends just before it; every bucket expires after."""
FEATURE_COST_MAX_PAGE_SIZE: Final = 20
FEATURE_COST_DEFAULT_PAGE_SIZE: Final = 20
_DIGITS: Final = re.compile(r"[0-9]+")
_TASK_URL: Final = "https://yce-api-01.makeupar.com/s2s/v2.0/task/"


def _sku(
    description: str, amount: str, task: str, unit: str = "result_image", per: int = 1
) -> dict[str, Any]:
    return {
        "description": description,
        "amount": Decimal(amount),
        "unit": unit,
        "proc_unit": per,
        "run_task_url": _TASK_URL + task,
    }


SKUS: Final[tuple[dict[str, Any], ...]] = (
    _sku("AI Skin Analysis for SD 1~4 concerns", "9", "skin-analysis"),
    _sku("AI Skin Analysis for SD 5~7 concerns", "12", "skin-analysis"),
    _sku("AI Skin Analysis for SD 8~14 concerns", "15", "skin-analysis"),
    _sku("AI Skin Analysis for HD 1~4 concerns", "14", "skin-analysis"),
    _sku("AI Skin Analysis for HD 5~7 concerns", "18", "skin-analysis"),
    _sku("AI Skin Analysis for HD 8~15 concerns", "22", "skin-analysis"),
    _sku("AI Skin Tone Analysis", "3", "skin-tone-analysis"),
    _sku("AI Fitzpatrick Skin Type", "3", "fitzpatrick-skin-type"),
    _sku("AI Face Analyzer", "5", "face-analyzer"),
    _sku("AI Photo Enhance", "1", "photo-enhance"),
    _sku("AI Photo Enhance 4x", "2", "photo-enhance"),
    _sku("AI Photo Colorize", "1", "photo-colorize"),
    _sku("AI Photo Lighting", "1.5", "photo-lighting"),
    _sku("AI Color Correction", "1", "color-correction"),
    _sku("AI Background Removal", "1", "background-removal"),
    _sku("AI Photo Background Blur", "1", "photo-background-blur"),
    _sku("AI Photo Background Change", "2", "photo-background-change"),
    _sku("AI Object Removal Pro", "2", "object-removal-pro"),
    _sku("AI Image Extender", "3", "image-extender"),
    _sku("AI Replace", "3", "replace"),
    _sku("AI Image Generator", "4", "image-generator"),
    _sku("AI Studio Generator", "6", "studio-generator"),
    _sku("AI Headshot Generator", "8", "headshot-generator"),
    _sku("AI Avatar Generator", "8", "avatar-generator"),
    _sku("AI Face Swap", "4", "face-swap"),
    _sku("AI Makeup Transfer", "3", "makeup-transfer"),
    _sku("AI Makeup Virtual Try-On", "0.5", "makeup-vto"),
    _sku("AI Look Virtual Try-On", "1", "look-vto"),
    _sku("AI Hairstyle Generator", "5", "hairstyle"),
    _sku("AI Hair Color", "1", "hair-color"),
    _sku("AI Hair Extension", "3", "hair-extension"),
    _sku("AI Hair Volume", "3", "hair-volume"),
    _sku("AI Bangs", "3", "bangs"),
    _sku("AI Wavy Hair", "3", "wavy-hair"),
    _sku("AI Beard Style", "3", "beard-style"),
    _sku("AI Aging Simulation", "4", "aging-simulation"),
    _sku("AI Smile", "2", "smile"),
    _sku("AI Teeth Whitening", "1", "teeth-whitening"),
    _sku("AI Eye Color Lens", "0.5", "eye-color-lens"),
    _sku("AI Nail Virtual Try-On", "0.5", "nail-vto"),
    _sku("AI Ring Virtual Try-On", "0.5", "ring-vto"),
    _sku("AI Clothes Virtual Try-On", "15", "cloth-v4"),
    _sku("AI Shoes Virtual Try-On", "10", "shoes"),
    _sku("AI Bag Virtual Try-On", "10", "bag"),
    _sku("AI Video Enhancer", "1", "video-enhancer", unit="second"),
    _sku("AI Video Face Swap", "2", "video-face-swap", unit="second"),
    _sku("AI Video Background Replace", "1.5", "video-background-replace", unit="second"),
    _sku("AI Video Object Removal", "1.5", "video-object-removal", unit="second"),
    _sku("AI Video Style Transfer", "10", "video-style-transfer", unit="second", per=5),
    _sku("AI Video Generator", "25", "video-generator", unit="second", per=5),
)


class UnitSystem:
    """The balance of one data set (by seed), kept up to date as entries arrive."""

    def __init__(self, seed: int, base_count: int) -> None:
        self.seed = seed
        self.base_count = base_count
        self._bucket_ids = _unit_ids(seed)
        self._sums = dict.fromkeys(self._bucket_ids, Decimal(0))
        self._summed = 0
        self._lock = threading.Lock()

    def bucket_sums(self, total: int) -> dict[int, Decimal]:
        """The net of every change in entries ``0 .. total - 1``, per bucket id."""
        with self._lock:
            for position in range(self._summed, total):
                entry = make_entry(self.seed, position, self.base_count)
                for change in entry.get("info", {}).get("credits", []):
                    unit_id = change["id"]
                    self._sums[unit_id] = self._sums.get(unit_id, Decimal(0)) + _amount(change)
            self._summed = max(self._summed, total)
            return dict(self._sums)

    def buckets(self, total: int) -> list[dict[str, Any]]:
        """``results`` of the balance: one item per bucket, as the service sends it."""
        rng = _rng(self.seed, "buckets")
        results = []
        for index, (unit_id, amount) in enumerate(self.bucket_sums(total).items()):
            subscription = rng.random() < 0.5  # noqa: PLR2004 - half of them
            if index == 0:
                expiry = None  # permanent units: the sign-up gift's first bucket never expires
            elif index == 1:
                expiry = MOCK_NOW_MS + rng.randint(5, 25) * DAY_MS  # one expires soon
            else:
                expiry = MOCK_NOW_MS + rng.randint(31, 400) * DAY_MS
            results.append(
                {
                    "id": unit_id,
                    "type": "ApiSubsToken" if subscription else "ApiPaygToken",
                    # Deprecated: rounded to an integer, as the history's integer amount is.
                    "amount": int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                    "amount_dec": amount,
                    "expiry": expiry,
                }
            )
        return results

    def serve(self, path: str, params: Mapping[str, list[str]], total: int) -> Served:
        """Answer an authenticated, admitted request for the balance or the feature costs."""
        if path == BALANCE_PATH:
            buckets = self.buckets(total)
            return Served(200, {"status": 200, "results": buckets}, items=len(buckets))
        return feature_cost_page(params)


def feature_cost_page(params: Mapping[str, list[str]]) -> Served:
    """One page of :data:`SKUS`, or a 400 for a bad page size or a token not issued here."""
    asked = page_request(
        params,
        default_size=FEATURE_COST_DEFAULT_PAGE_SIZE,
        max_size=FEATURE_COST_MAX_PAGE_SIZE,
        read_token=lambda token, _page_size: read_token(token),
    )
    if isinstance(asked, Served):
        return asked
    page_size, start = asked
    first = start or 0
    stop = min(first + page_size, len(SKUS))
    next_token = make_token(stop) if stop < len(SKUS) else None
    skus = list(SKUS[first:stop])
    payload = {"status": 200, "result": {"next_token": next_token, "skus": skus}}
    return Served(200, payload, items=len(skus), followed=start is not None)


def make_token(offset: int) -> str:
    """The token of the page starting at ``offset``: unpadded base64 of the number."""
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def read_token(token: str) -> int | None:
    """The offset a token stands for, or None unless it is one :func:`make_token` issues."""
    try:
        text = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not _DIGITS.fullmatch(text) or len(text) > 4:  # noqa: PLR2004
        return None
    offset = int(text)
    if not 0 < offset < len(SKUS) or make_token(offset) != token:
        return None
    return offset


def _amount(change: Mapping[str, Any]) -> Decimal:
    """A history change's amount, exactly: ``amount_dec`` when sent, else ``amount``."""
    value = change.get("amount_dec", change.get("amount", 0))
    if isinstance(value, float):  # the data writes Decimals; never guess at a float
        raise TypeError(f"history amount {value!r} is a float, not an exact number")
    return Decimal(value)
