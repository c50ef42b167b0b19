"""Settings by key, for code that holds a key rather than its spec (the demo, tests, commands).
Code that reads one setting uses its spec: ``EXPIRY_WARNING_DAYS.get(session)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.settings.core import FOOTER_LINES, SHOP_RECEIPT_FOOTER
from app.settings.registry import SettingSpec, groups, spec_for
from app.values import InvalidValue

__all__ = [
    "FOOTER_LINES",
    "get_setting",
    "group_refusals",
    "read_settings_form",
    "receipt_footer",
    "save_settings",
    "set_setting",
]


def get_setting(session: Session, key: str) -> Any:
    return spec_for(key).get(session)


def set_setting(session: Session, key: str, value: Any, now: datetime) -> None:
    """Checked against the setting's type and bounds (``InvalidValue`` otherwise)."""
    spec_for(key).set(session, value, now)


def receipt_footer(session: Session) -> tuple[str, ...]:
    """The lines printed at the end of every receipt (a thank-you, opening hours…)."""
    return tuple(line for line in SHOP_RECEIPT_FOOTER.get(session).splitlines() if line.strip())[
        :FOOTER_LINES
    ]


def read_settings_form(
    form: Mapping[str, Any], specs: Iterable[SettingSpec]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values a settings form posts, each through its spec's parser: (values by key,
    errors by key). A setting the form does not carry is left as it is."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            value = spec.parse_form(form)
        except InvalidValue as error:
            errors[spec.key] = error.message
            continue
        if value is not None:
            values[spec.key] = value
    return values, errors


def group_refusals(session: Session, values: Mapping[str, Any]) -> dict[str, str]:
    """The rules between settings of a group, checked on what would be stored."""
    refusals: dict[str, str] = {}
    for group in groups():
        if not group.checks:
            continue
        merged = {
            spec.key: values[spec.key] if spec.key in values else spec.get(session)
            for spec in group.settings
        }
        for check in group.checks:
            message = check(merged)
            if message:
                refusals[group.name] = message
    return refusals


def save_settings(
    session: Session,
    values: Mapping[str, Any],
    *,
    actor_id: int,
    now: datetime,
    remote_addr: str | None = None,
) -> list[SettingSpec]:
    """Store the values that changed, one audit line each (before → after); the changed ones."""
    changed = []
    for key, value in values.items():
        spec = spec_for(key)
        before = spec.get(session)
        if value == before:
            continue
        spec.set(session, value, now)
        record_audit(
            session,
            actor_id=actor_id,
            now=now,
            action="setting.changed",
            target=f"setting:{spec.key}",
            remote_addr=remote_addr,
            details={"avant": spec.described(before), "après": spec.described(value)},
        )
        changed.append(spec)
    return changed
