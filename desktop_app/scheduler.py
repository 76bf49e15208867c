"""When reports are due: `schedule` jobs that only queue work, plus the missed-run catch-up.

No Qt here: the tray app calls `ReportScheduler.tick()` from a QTimer, the tests call it directly
after moving the clock. `schedule` keeps nothing across a restart and fires an overdue job once
after a sleep, so the scheduler remembers the last run itself (seeded from history at start-up)
and makes up a missed run exactly once, however many slots were missed.

Clocks are wrong sometimes: a PC that was days fast and then corrected leaves a "last run" in
the future and `schedule` jobs whose next run is days away. Both would silence the reports until
the wrong date came round again, so a last run in the future is not trusted to say what was
served (it is kept, and trusted again once the clock passes it: a clock set back by an hour does
not make the same report twice), and jobs are rebuilt when the clock went back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import schedule

from .settings import WEEKDAYS, ScheduleSettings

log = logging.getLogger("business_orchestrator.scheduler")

TICK_SECONDS = 20  # how often the tray app calls tick(); schedule's resolution is one second
_DAY_NAMES = {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
              "sat": "saturday", "sun": "sunday"}
_CATCH_UP_DAYS = 8  # the newest daily slot is always within a week
CLOCK_SLACK = dt.timedelta(minutes=2)  # clock corrections smaller than this are not worth a log line


def utc_now() -> dt.datetime:
    """The clock every decision here uses (aware). `schedule` reads the same system clock."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Run:
    """A report the scheduler wants made: for `day` (business time zone), standing for `slot`."""

    reason: Literal["scheduled", "missed"]
    day: dt.date
    slot: dt.datetime


class ReportScheduler:
    """Turns ScheduleSettings into `schedule` jobs; each job only hands a `Run` to `queue`."""

    def __init__(self, settings: ScheduleSettings, zone: str, queue: Callable[[Run], None],
                 last_run: dt.datetime | None = None):
        self._queue = queue
        self._jobs = schedule.Scheduler()
        self.last_run = last_run
        self._last_tick: dt.datetime | None = None
        self._warned_about: dt.datetime | None = None
        self.paused = False
        self.settings = settings
        self.zone = ZoneInfo(zone)
        self.configure(settings, zone)

    def configure(self, settings: ScheduleSettings, zone: str) -> None:
        """Rebuild the jobs after the settings changed (the last run is kept)."""
        self.settings, self.zone = settings, ZoneInfo(zone)
        self._jobs.clear()
        if settings.mode == "daily":
            for day in settings.weekdays:
                getattr(self._jobs.every(), _DAY_NAMES[day]).at(settings.time, zone).do(self._job)
        elif settings.mode == "interval":
            self._jobs.every(settings.interval_minutes).minutes.do(self._job)

    # -- what the timer and the app call ------------------------------------------------------------

    def tick(self) -> None:
        """Run due jobs. Never raises: a failing job must not stop the timer that drives the others."""
        if self.paused:
            return
        try:
            self._repair_after_clock_change()
            self._jobs.run_pending()
        except Exception:
            log.exception("a schedule job failed")

    def catch_up(self) -> Run | None:
        """At start-up: queue the newest slot missed since the last run, once. Returns what was queued."""
        if self.paused or self.last_run is None:
            return None  # nothing ran before, so nothing was missed
        if self._trusted_last_run(utc_now()) is None:
            return None  # when the clock was wrong we cannot tell what was missed: do not send twice
        return self._request("missed")

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        """Slots that passed while paused are not made up: the owner asked for silence."""
        self.paused = False
        self.last_run = utc_now()  # also right when the stored last run was in the future
        self.configure(self.settings, self.zone.key)

    def next_run(self) -> dt.datetime | None:
        """When the next report is due (aware, local time), for the tray tooltip; None when off or paused."""
        if self.paused or not self._jobs.jobs:
            return None
        naive = self._jobs.get_next_run()
        return naive.astimezone() if naive else None

    def latest_slot(self, now: dt.datetime) -> dt.datetime | None:
        """The newest moment at or before `now` when a report was due under the current settings."""
        settings = self.settings
        if settings.mode == "daily":
            local = now.astimezone(self.zone)
            at = dt.time.fromisoformat(settings.time)
            for back in range(_CATCH_UP_DAYS):
                day = local.date() - dt.timedelta(days=back)
                slot = dt.datetime.combine(day, at, tzinfo=self.zone)
                if WEEKDAYS[day.weekday()] in settings.weekdays and slot <= now:
                    return slot
            return None
        if settings.mode == "interval":
            step = dt.timedelta(minutes=settings.interval_minutes)
            last_run = self._trusted_last_run(now)
            if last_run is None:
                return now
            due = last_run + step
            return due if due <= now else None
        return None

    # -- internals -----------------------------------------------------------------------------------

    def _trusted_last_run(self, now: dt.datetime) -> dt.datetime | None:
        """The last run, unless it is after `now`: then the clock was fast then (or is slow now), and it
        cannot say which slots were served, so none are taken as served until the clock passes it."""
        if self.last_run is None or self.last_run <= now + CLOCK_SLACK:
            return self.last_run
        if self._warned_about != self.last_run:
            self._warned_about = self.last_run
            log.warning("the last report run (%s) is later than the clock (%s): the clock was changed; the "
                        "schedule goes on from now", self.last_run.isoformat(timespec="minutes"),
                        now.isoformat(timespec="minutes"))
        return None

    def _jobs_too_far(self) -> bool:
        """True when a job's next run is further away than the settings allow (the clock went back)."""
        if not self._jobs.jobs:
            return False
        limit = dt.timedelta(days=7) if self.settings.mode == "daily" else \
            dt.timedelta(minutes=self.settings.interval_minutes)
        naive_now = dt.datetime.now()  # `schedule` keeps naive local times
        return any(job.next_run is not None and job.next_run - naive_now > limit + CLOCK_SLACK
                   for job in self._jobs.jobs)

    def _repair_after_clock_change(self) -> None:
        now = utc_now()
        went_back = self._last_tick is not None and now < self._last_tick - CLOCK_SLACK
        self._last_tick = now
        if went_back or self._jobs_too_far():
            log.warning("the clock went back: the schedule's next run was recomputed")
            self.configure(self.settings, self.zone.key)

    def _job(self) -> None:
        try:
            self._request("scheduled")
        except Exception:
            log.exception("could not queue the scheduled report")

    def _request(self, reason: Literal["scheduled", "missed"]) -> Run | None:
        now = utc_now()
        slot = self.latest_slot(now)
        last_run = self._trusted_last_run(now)
        if slot is None or (last_run is not None and last_run >= slot):
            return None  # this slot was already served (for example caught up at start-up)
        day = slot.astimezone(self.zone).date() if self.settings.mode == "daily" else now.astimezone(self.zone).date()
        run = Run(reason, day, slot)
        self.last_run = now
        log.info("report for %s queued (%s, slot %s)", day, reason, slot.isoformat(timespec="minutes"))
        self._queue(run)
        return run
