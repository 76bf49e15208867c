"""Punches become days at work: a person is present on the day a shift began.

Punches are paired in and out per person, so a night shift punched in at 22:00 and out at 06:00 counts
once, on the day it began, and a double tap a few seconds apart is one punch. Every reader of punches uses
this (the device's attlog, its USB exports, and any table of punch times read by column names), so a
night shift counts the same whichever way its punches arrive.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

DUPLICATE_MINUTES = 5  # a second punch within this of the first is a double tap
MAX_SHIFT_HOURS = 14  # a punch later than this after a shift began starts a new shift (a missed punch-out)
NIGHT_ENDS_HOUR = 5  # a punch before this hour the day after a shift began closes it, however long it was


def _closes_night(opened: pd.Timestamp, at: pd.Timestamp, night_ends: pd.Timedelta) -> bool:
    """An early-morning punch the day after a shift began is its punch-out (a long day ending in a group
    exit at 02:23), not the start of a new day's attendance."""
    next_day = at.normalize() - opened.normalize() == pd.Timedelta(days=1)
    return next_day and at - at.normalize() < night_ends


def shift_days(employees: pd.Series, stamps: pd.Series, *, duplicate_minutes: float = DUPLICATE_MINUTES,
               max_shift_hours: float = MAX_SHIFT_HOURS,
               night_ends_hour: float = NIGHT_ENDS_HOUR) -> tuple[pd.Series, pd.Series]:
    """(the day each punch's shift began, duplicate mask) for punches of many people.

    Per person in time order: a punch opens a shift when none is open, and closes the open one when it
    comes within `max_shift_hours` of its start, or on the next calendar day before `night_ends_hour`;
    a punch within `duplicate_minutes` of the previous one is a double tap (marked, and not counted as
    an in or out).
    """
    frame = pd.DataFrame({"employee": employees, "at": stamps}).dropna()
    frame = frame.sort_values(["employee", "at"], kind="stable")
    day = pd.Series(pd.NaT, index=employees.index, dtype="datetime64[ns]")
    duplicate = pd.Series(False, index=employees.index)
    tap = pd.Timedelta(minutes=duplicate_minutes)
    longest = pd.Timedelta(hours=max_shift_hours)
    night_ends = pd.Timedelta(hours=night_ends_hour)
    for _, group in frame.groupby("employee", sort=False):
        opened: pd.Timestamp | None = None
        previous: pd.Timestamp | None = None
        for index, at in zip(group.index, group["at"], strict=True):
            if previous is not None and at - previous <= tap:
                duplicate[index] = True
                day[index] = (opened or at).normalize()
                continue
            previous = at
            if opened is not None and (at - opened <= longest or _closes_night(opened, at, night_ends)):
                day[index] = opened.normalize()  # the punch out: the shift's day
                opened = None
            else:
                opened = at  # a new shift (and a missed punch-out before it, if one was open)
                day[index] = at.normalize()
    return day, duplicate


def shift_options(options: Mapping[str, object]) -> dict[str, float]:
    """The shift settings of a source (`[sources.options]`), as shift_days takes them."""
    return {"duplicate_minutes": float(options.get("duplicate_minutes", DUPLICATE_MINUTES)),  # type: ignore[arg-type]
            "max_shift_hours": float(options.get("max_shift_hours", MAX_SHIFT_HOURS)),  # type: ignore[arg-type]
            "night_ends_hour": float(options.get("night_ends_hour", NIGHT_ENDS_HOUR))}  # type: ignore[arg-type]
