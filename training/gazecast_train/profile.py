"""Profile slots the model lists, and how observers' attributes map onto them.

Only slots and values that data backs are listed: age and gender come from the `causality` viewers (the only
attributed ones); colour vision is supported by in-graph simulation, not by data.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from .data import Observer
from .model import VISION_VALUES

AGE_BINS = [("18-24", 18, 24), ("25-34", 25, 34), ("35-54", 35, 54), ("55+", 55, 200)]
SLOTS: List[Dict] = [
    {"key": "age", "values": ["unknown"] + [b[0] for b in AGE_BINS]},
    {"key": "gender", "values": ["unknown", "female", "male"]},
    {"key": "vision", "values": VISION_VALUES},
]
LEARNED_SLOTS = 2  # age, gender: embedded by the head; vision (last) drives the colour simulation only
VISION_SLOT = 2


def age_bin(age: Optional[int]) -> str:
    if age is None:
        return "unknown"
    for name, lo, hi in AGE_BINS:
        if lo <= age <= hi:
            return name
    return "unknown"


def observer_tokens(o: Optional[Observer]) -> List[int]:
    if o is None:
        return [0, 0, 0]
    gender = o.gender if o.gender in ("female", "male") else "unknown"
    vision = o.group if o.group in VISION_VALUES else "unknown"
    return [SLOTS[0]["values"].index(age_bin(o.age)), SLOTS[1]["values"].index(gender),
            SLOTS[2]["values"].index(vision)]


def observer_attributes(o: Observer) -> Dict[str, str]:
    out = {"dataset": o.dataset}
    if o.age is not None:
        out["age"] = age_bin(o.age)
    if o.gender:
        out["gender"] = o.gender
    if o.task:
        out["task"] = o.task
    return out
