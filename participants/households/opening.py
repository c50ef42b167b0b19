"""The épicerie's opening hours, as typed on the settings page — « mardi 14:00-18:00 ; jeudi
9:00-12:00, 14:00-17:00 » — and the appointment slots they give."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from app.clock import SHOP_TIMEZONE
from app.text import fold_for_search
from app.values import InvalidValue

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_RANGE = re.compile(r"^([0-9]{1,2})(?:[:h]([0-9]{2})?)?-([0-9]{1,2})(?:[:h]([0-9]{2})?)?$")
FIELD = "Horaires d'ouverture"


def parse_opening_hours(text: str) -> dict[int, list[tuple[int, int]]]:
    """Weekday (0 = Monday) → opening ranges in minutes; a French message naming what is
    wrong otherwise. Days are separated by « ; », ranges of a day by « , »."""
    hours: dict[int, list[tuple[int, int]]] = {}
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        name, _sep, ranges = part.partition(" ")
        day = fold_for_search(name)
        if day not in WEEKDAYS:
            raise InvalidValue(f"{FIELD} : « {name[:20]} » n'est pas un jour (ex. mardi).")
        weekday = WEEKDAYS.index(day)
        if weekday in hours:
            raise InvalidValue(f"{FIELD} : {day} est écrit deux fois.")
        hours[weekday] = []
        for chunk in (c.strip().replace(" ", "") for c in ranges.split(",")):
            match = _RANGE.match(chunk)
            if not match:
                raise InvalidValue(
                    f"{FIELD} : « {chunk[:20]} » n'est pas une plage horaire (ex. 14:00-18:00)."
                )
            start = int(match[1]) * 60 + int(match[2] or 0)
            end = int(match[3]) * 60 + int(match[4] or 0)
            if not (0 <= start < end <= 24 * 60 and int(match[2] or 0) < 60):
                raise InvalidValue(
                    f"{FIELD} : {chunk} — la fin doit suivre le début, le même jour."
                )
            hours[weekday].append((start, end))
        hours[weekday].sort()
    if not hours:
        raise InvalidValue(f"{FIELD} : au moins un jour d'ouverture (ex. mardi 14:00-18:00).")
    return hours


def format_opening_hours(hours: dict[int, list[tuple[int, int]]]) -> str:
    def clock(minutes: int) -> str:
        return f"{minutes // 60}:{minutes % 60:02d}"

    return " ; ".join(
        f"{WEEKDAYS[day]} " + ", ".join(f"{clock(s)}-{clock(e)}" for s, e in ranges)
        for day, ranges in sorted(hours.items())
    )


def checked_opening_hours(text: str) -> str:
    """The settings page's check: the text as it will be read back."""
    return format_opening_hours(parse_opening_hours(text))


def slots_of(day: date, hours: dict[int, list[tuple[int, int]]], minutes: int) -> list[datetime]:
    """The appointment slots of a day (shop time), every ``minutes`` within each range."""
    starts = []
    for start, end in hours.get(day.weekday(), []):
        moment = start
        while moment + minutes <= end:
            starts.append(
                datetime.combine(day, time(moment // 60, moment % 60), tzinfo=SHOP_TIMEZONE)
            )
            moment += minutes
    return starts


def next_opening_day(after: date, hours: dict[int, list[tuple[int, int]]]) -> date:
    """``after`` itself if the épicerie opens that day, else the next day it does."""
    for offset in range(7):
        day = after + timedelta(days=offset)
        if day.weekday() in hours:
            return day
    return after
