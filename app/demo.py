"""``caisse demo``: each package contributes its demo data through ``load_demo``, in order."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.users.models import User

# Each module has ``load_demo(session, context) -> list[str]`` (lines to print). Later issues
# append their own loaders here.
DEMO_LOADERS = (
    "app.users.demo",
    "inventory.demo",
    "participants.demo",
    "pos.demo",
    "labels.demo",
)


@dataclass
class DemoContext:
    now: datetime
    rng: random.Random
    shared: dict[str, Any] = field(default_factory=dict)


class DemoAlreadyLoaded(Exception):
    pass


def load_demo_data(session: Session, now: datetime, seed: int = 2026) -> list[str]:
    if session.scalar(select(func.count(User.id))):
        raise DemoAlreadyLoaded
    context = DemoContext(now=now, rng=random.Random(seed))  # noqa: S311 (not security)
    report: list[str] = []
    for module_name in DEMO_LOADERS:
        module = importlib.import_module(module_name)
        report.extend(module.load_demo(session, context))
        session.flush()
    return report
