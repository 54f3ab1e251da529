"""Deterministic unit history: entry ``p`` is a pure function of ``(seed, p)``.

Positions count from the oldest entry (position 0) upwards, so an entry keeps its position when
newer ones arrive at the head, and nothing but the count of entries is ever stored: a data set of
1,000,000 entries costs no more memory than one of 10.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from youcam_units._amounts import CENT
from youcam_units._models import DAY_MS

__all__ = ["SNOWFLAKE_EPOCH_MS", "make_entry", "snowflake"]

# Twitter's snowflake epoch: ids built on it pass 2**53 for any timestamp after late 2010.
SNOWFLAKE_EPOCH_MS: Final = 1_288_834_974_657
# The newest entry of a fresh data set is dated just before this instant (2026-11-01T00:00:00Z), so
# the data is the same whatever the wall clock says.
ANCHOR_MS: Final = 1_793_491_200_000
# Entries are an hour apart (less for big data sets, which span at most SPAN_MS), give or take a
# jitter smaller than the step, so timestamps strictly increase with the position.
MAX_STEP_MS: Final = 3_600_000
SPAN_MS: Final = 5 * 365 * DAY_MS

SPEND_ACTIONS: Final = (
    "api_photo_enhance",
    "api_object_removal",
    "api_background_removal",
    "api_colorize",
    "api_text_to_image",
    "api_hair_style",
    "photo_enhance",
    "object_removal",
    "background_removal",
    "blur_background",
    "change_background",
    "wig",
)
GRANT_ACTIONS: Final = (
    "sign_up_gift",
    "subscription_credits",
    "renew",
    "permanent_credits",
    "subscriber_gift",
    "compensation_from_customer_service",
    "trial_gift_text_to_image",
)
GRANT_AMOUNTS: Final = (5, 10, 20, 50, 100, 200, 500)
# Actions the service has shipped after the v1.9 list (the open enum a client must survive).
NEWER_ACTIONS: Final = ("api_face_swap", "ai_makeup_transfer", "api_video_enhance", "api_headshot")
SKIN_ANALYSIS: Final = "skin_analysis"
DST_ACTIONS: Final = (
    "hd_wrinkle",
    "hd_pore",
    "hd_texture",
    "hd_acne",
    "hd_oiliness",
    "hd_radiance",
    "hd_eye_bag",
    "hd_redness",
)
_TASK_ID_ALPHABET: Final = string.ascii_letters + string.digits + "+/"


def snowflake(timestamp_ms: int, low_bits: int) -> int:
    """A snowflake-shaped id: milliseconds since the epoch above 22 bits of worker/sequence."""
    return ((timestamp_ms - SNOWFLAKE_EPOCH_MS) << 22) | (low_bits & 0x3F_FFFF)


def _rng(seed: int, *parts: object) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random: stable across runs and hash seeds.
    return random.Random(":".join(str(part) for part in (seed, *parts)))  # noqa: S311 - test data, not crypto


def _unit_ids(seed: int) -> tuple[int, ...]:
    """The account's unit buckets: every entry's info.credits draws its ids from these."""
    rng = _rng(seed, "units")
    return tuple(
        snowflake(ANCHOR_MS - rng.randrange(400 * DAY_MS), rng.getrandbits(22)) for _ in range(6)
    )


def timestamp_at(seed: int, position: int, base_count: int) -> int:
    """Timestamp (ms) of the entry at ``position``; strictly increasing with the position."""
    step = max(1_000, min(MAX_STEP_MS, SPAN_MS // max(base_count, 1)))
    jitter = int.from_bytes(
        hashlib.blake2b(f"{seed}:ts:{position}".encode(), digest_size=4).digest()
    )
    return ANCHOR_MS - (base_count - position) * step + jitter % (step * 5 // 6)


# What a fractional feature costs less than a whole unit: amount_dec = amount's magnitude minus it.
_FRACTIONS: Final = tuple(Decimal(f) for f in ("0", "0", "0.5", "0.25", "0.1", "0.3", "0.04"))


def _amount_dec(rng: random.Random, amount: int) -> tuple[Decimal, int]:
    """A two-decimal amount_dec near ``amount``, and the deprecated integer that goes with it.

    Values such as 0.1 and 0.3 have no exact binary float: a client that lets one pass through a
    float shows it in its totals.
    """
    if amount == 0:
        return Decimal("0.00"), 0
    sign = -1 if amount < 0 else 1
    exact = (sign * (abs(amount) - rng.choice(_FRACTIONS))).quantize(CENT)
    return exact, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _credits(
    rng: random.Random,
    units: tuple[int, ...],
    total: int,
    *,
    with_dec: bool,
    dec_rng: random.Random,
) -> list[dict[str, Any]]:
    """Split ``total`` over one to three unit buckets, some maybe zero (as the docs show).

    Entries in the newer format carry an exact, maybe fractional ``amount_dec`` (a ``Decimal``)
    beside the deprecated integer ``amount``; ``dec_rng`` draws the fractions, so that the rest of
    the data set is the same as before they were added.
    """
    count = rng.choice((1, 1, 1, 2, 2, 3)) if abs(total) > 1 else rng.choice((1, 1, 2))
    parts = [0] * count
    sign = -1 if total < 0 else 1
    for _ in range(abs(total)):
        parts[rng.randrange(count)] += sign
    chosen = rng.sample(units, count)
    changes: list[dict[str, Any]] = []
    for unit_id, amount in zip(chosen, parts, strict=True):
        change: dict[str, Any] = {"id": unit_id, "amount": amount}
        if with_dec:
            # Newer vendor docs add a decimal amount beside the (deprecated) integer one.
            change["amount_dec"], change["amount"] = _amount_dec(dec_rng, amount)
        changes.append(change)
    return changes


def _task_id(rng: random.Random) -> str:
    return "".join(rng.choice(_TASK_ID_ALPHABET) for _ in range(64))


def _order_id(rng: random.Random) -> str:
    return f"{rng.randrange(10**15, 10**16)}"


def make_entry(seed: int, position: int, base_count: int) -> dict[str, Any]:
    """The JSON object of the history entry at ``position`` (0 = oldest) of the seed's data set.

    ``base_count`` is the size of the data set as created; entries added later (positions at or
    above it) are dated after every original one.
    """
    rng = _rng(seed, position)
    extra_rng = _rng(seed, position, "exact")  # draws added later leave the others unchanged
    timestamp = timestamp_at(seed, position, base_count)
    entry: dict[str, Any] = {
        "id": snowflake(timestamp, rng.getrandbits(22)),
        "timestamp": timestamp,
    }
    units = _unit_ids(seed)
    with_dec = rng.random() < 0.25  # noqa: PLR2004 - share of entries in the newer format

    def credits_(total: int) -> list[dict[str, Any]]:
        return _credits(rng, units, total, with_dec=with_dec, dec_rng=extra_rng)

    draw = rng.random()
    if position == 0:
        # Every account starts with its sign-up gift.
        entry["action"] = "sign_up_gift"
        entry["target_id"] = _order_id(rng)
        entry["info"] = {"credits": credits_(10)}
    elif draw < 0.66:  # noqa: PLR2004 - the mix: mostly spending
        entry["action"] = rng.choice(SPEND_ACTIONS)
        entry["target_id"] = _task_id(rng)
        entry["info"] = {"credits": credits_(-rng.randint(1, 6))}
    elif draw < 0.80:  # noqa: PLR2004
        entry["action"] = rng.choice(GRANT_ACTIONS)
        entry["target_id"] = _order_id(rng)
        entry["info"] = {"credits": credits_(rng.choice(GRANT_AMOUNTS))}
    elif draw < 0.87:  # noqa: PLR2004
        # Expiry has no target, and no target_id: the field is optional.
        entry["action"] = "expire"
        entry["info"] = {"credits": credits_(-rng.randint(1, 50))}
    elif draw < 0.95:  # noqa: PLR2004
        entry["action"] = SKIN_ANALYSIS
        entry["target_id"] = _task_id(rng)
        dst_actions: list[str] | str = rng.sample(DST_ACTIONS, rng.randint(1, 5))
        if extra_rng.random() < 0.5:  # noqa: PLR2004 - half in the seed's string form
            # The seed's example sends the list as a string of JSON: '[ "hd_wrinkle", "hd_pore" ]'.
            dst_actions = "[ " + ", ".join(json.dumps(a) for a in dst_actions) + " ]"
        entry["info"] = {"credits": credits_(-rng.randint(1, 3)), "dst_actions": dst_actions}
    else:
        entry["action"] = rng.choice(NEWER_ACTIONS)
        entry["target_id"] = _task_id(rng)
        entry["info"] = {"credits": credits_(-rng.randint(1, 8))}
    return entry
