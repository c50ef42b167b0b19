"""``caisse demo``: each package contributes its demo data through ``load_demo``, in order."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
    context = DemoContext(now=now, rng=random.Random(seed))
    # A demo database says so on every page, and its journal opens with a "demo" entry: its
    # fictitious sales can never be taken for a real shop's.
    from app.settings.services import set_setting
    from app.sites.models import FIRST_SITE_ID
    from pos.journal.chain import append_entry

    set_setting(session, "site.demo", True, now)
    append_entry(
        session,
        "demo",
        now - timedelta(days=30),
        {"message": "Base de démonstration : ventes fictives, sans valeur comptable."},
        site_id=FIRST_SITE_ID,
    )
    report: list[str] = []
    for module_name in DEMO_LOADERS:
        module = importlib.import_module(module_name)
        report.extend(module.load_demo(session, context))
        session.flush()
    return report
