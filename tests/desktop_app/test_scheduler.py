"""The scheduler with a controllable clock (time-machine moves the clock `schedule` and we both read)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from desktop_app.scheduler import ReportScheduler, Run
from desktop_app.settings import ScheduleSettings

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment in November 2026, Ahmedabad time (24 Nov 2026 is a Tuesday)."""
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=IST)


@pytest.fixture
def clock():
    with time_machine.travel(at(24, 12), tick=False) as traveller:
        yield traveller


def make(runs: list[Run], last_run: dt.datetime | None = None, **schedule) -> ReportScheduler:
    settings = ScheduleSettings(**schedule)
    return ReportScheduler(settings, "Asia/Kolkata", runs.append, last_run=last_run)


def test_daily_job_fires_once_at_the_time(clock):
    runs: list[Run] = []
    scheduler = make(runs, mode="daily", time="19:00")
    clock.move_to(at(24, 18, 59, 30))
    scheduler.tick()
    assert runs == []
    clock.move_to(at(24, 19, 0, 5))
    scheduler.tick()
    scheduler.tick()
    clock.move_to(at(24, 19, 5))
    scheduler.tick()
    assert runs == [Run("scheduled", dt.date(2026, 11, 24), at(24, 19))]


def test_daily_job_skips_days_not_chosen(clock):
    runs: list[Run] = []
    scheduler = make(runs, mode="daily", time="19:00", weekdays=["mon", "wed"])
    clock.move_to(at(24, 19, 1))  # Tuesday
    scheduler.tick()
    assert runs == []
    clock.move_to(at(25, 19, 1))  # Wednesday
    scheduler.tick()
    assert [run.day for run in runs] == [dt.date(2026, 11, 25)]


def test_time_is_the_business_time_zone_not_the_pc_one(clock):
    runs: list[Run] = []
    scheduler = make(runs, mode="daily", time="19:00")
    assert scheduler.next_run() == at(24, 19)
    assert scheduler.next_run().utcoffset() is not None


def test_missed_run_while_closed_is_made_up_once(clock):
    runs: list[Run] = []
    clock.move_to(at(24, 20, 30))  # the app starts after today's 19:00 slot; last run was yesterday's
    scheduler = make(runs, last_run=at(23, 19, 0, 40), mode="daily", time="19:00")
    caught = scheduler.catch_up()
    assert caught == Run("missed", dt.date(2026, 11, 24), at(24, 19))
    for minute in range(31, 60):
        clock.move_to(at(24, 20, minute))
        scheduler.tick()
    assert scheduler.catch_up() is None
    assert runs == [caught]
    clock.move_to(at(25, 19, 0, 10))  # the next slot runs normally
    scheduler.tick()
    assert [run.reason for run in runs] == ["missed", "scheduled"]


def test_several_missed_days_are_made_up_once_for_the_newest(clock):
    runs: list[Run] = []
    clock.move_to(at(24, 9))  # closed since Thursday evening: Fri, Sat, Sun and Mon slots missed
    scheduler = make(runs, last_run=at(19, 19, 1), mode="daily", time="19:00")
    scheduler.catch_up()
    scheduler.catch_up()
    scheduler.tick()
    assert runs == [Run("missed", dt.date(2026, 11, 23), at(23, 19))]


def test_nothing_is_made_up_when_the_last_run_is_after_the_slot(clock):
    runs: list[Run] = []
    clock.move_to(at(24, 21))
    scheduler = make(runs, last_run=at(24, 19, 30), mode="daily", time="19:00")
    assert scheduler.catch_up() is None
    assert runs == []


def test_first_start_ever_makes_nothing_up(clock):
    runs: list[Run] = []
    clock.move_to(at(24, 21))
    assert make(runs, last_run=None, mode="daily").catch_up() is None
    assert runs == []


def test_a_run_missed_during_sleep_is_made_up_once(clock):
    runs: list[Run] = []
    clock.move_to(at(23, 18))  # Monday evening, then the PC sleeps until Wednesday morning
    scheduler = make(runs, last_run=at(22, 19, 1), mode="daily", time="19:00")
    clock.move_to(at(25, 9))
    for _ in range(5):
        scheduler.tick()
    assert runs == [Run("scheduled", dt.date(2026, 11, 24), at(24, 19))]


def test_interval_mode(clock):
    runs: list[Run] = []
    clock.move_to(at(24, 10))
    scheduler = make(runs, last_run=at(24, 9, 20), mode="interval", interval_minutes=15)
    assert scheduler.catch_up() is not None  # 40 minutes since the last run
    clock.move_to(at(24, 10, 14))
    scheduler.tick()
    assert len(runs) == 1
    clock.move_to(at(24, 10, 15, 1))
    scheduler.tick()
    assert [run.reason for run in runs] == ["missed", "scheduled"]


def test_off_never_runs(clock):
    runs: list[Run] = []
    scheduler = make(runs, last_run=at(20, 19), mode="off")
    clock.move_to(at(24, 23))
    scheduler.tick()
    assert scheduler.catch_up() is None
    assert scheduler.next_run() is None
    assert runs == []


def test_paused_ticks_do_nothing_and_resume_does_not_make_up(clock):
    runs: list[Run] = []
    scheduler = make(runs, mode="daily", time="19:00")
    scheduler.pause()
    clock.move_to(at(24, 19, 1))
    scheduler.tick()
    assert scheduler.next_run() is None
    scheduler.resume()
    scheduler.tick()
    assert runs == []
    clock.move_to(at(25, 19, 1))
    scheduler.tick()
    assert [run.day for run in runs] == [dt.date(2026, 11, 25)]


def test_a_failing_queue_never_breaks_the_tick(clock):
    def broken(run: Run) -> None:
        raise RuntimeError("queue is gone")

    scheduler = ReportScheduler(ScheduleSettings(mode="daily", time="19:00"), "Asia/Kolkata", broken)
    clock.move_to(at(24, 19, 1))
    scheduler.tick()  # logged, not raised
    clock.move_to(at(25, 19, 1))
    scheduler.tick()


def test_configure_replaces_the_jobs(clock):
    runs: list[Run] = []
    scheduler = make(runs, mode="daily", time="19:00")
    scheduler.configure(ScheduleSettings(mode="daily", time="13:00"), "Asia/Kolkata")
    assert scheduler.next_run() == at(24, 13)
    clock.move_to(at(24, 13, 0, 30))
    scheduler.tick()
    clock.move_to(at(24, 19, 0, 30))
    scheduler.tick()
    assert [run.slot for run in runs] == [at(24, 13)]


# -- clock changes (issue 11, item 8) -------------------------------------------------------------


def test_a_clock_that_was_days_fast_and_then_corrected_does_not_silence_the_schedule(clock):
    runs: list[Run] = []
    scheduler = make(runs, last_run=at(23, 19, 1), mode="daily", time="19:00")
    clock.move_to(at(30, 19, 0, 5))  # the PC's clock is 6 days fast: a run happens "on the 30th"
    scheduler.tick()
    assert [run.day for run in runs] == [dt.date(2026, 11, 30)]
    clock.move_to(at(24, 12))  # corrected
    scheduler.tick()
    next_run = scheduler.next_run()
    assert next_run is not None and next_run == at(24, 19)
    clock.move_to(at(24, 19, 0, 5))
    scheduler.tick()
    clock.move_to(at(25, 19, 0, 5))
    scheduler.tick()
    assert [run.day for run in runs] == [dt.date(2026, 11, 30), dt.date(2026, 11, 24), dt.date(2026, 11, 25)]


def test_a_clock_that_went_back_less_than_a_week_still_reschedules(clock):
    """Weekly schedules: the job's next run can be up to 7 days away, so the jump itself is noticed."""
    runs: list[Run] = []
    scheduler = make(runs, mode="daily", time="19:00", weekdays=["tue"])
    clock.move_to(at(24, 18))
    scheduler.tick()
    clock.move_to(at(24, 19, 0, 5))  # fires; the next run is now Tuesday 1 December
    scheduler.tick()
    clock.move_to(at(17, 18, 50))  # the clock was a week fast all along: corrected back to the 17th
    scheduler.tick()
    clock.move_to(at(17, 19, 0, 5))
    scheduler.tick()
    assert [run.day for run in runs] == [dt.date(2026, 11, 24), dt.date(2026, 11, 17)]


def test_a_restart_whose_last_run_is_in_the_future_makes_nothing_up_and_keeps_the_schedule(clock):
    runs: list[Run] = []
    scheduler = make(runs, last_run=at(30, 19, 0, 5), mode="daily", time="19:00")  # written by a fast clock
    assert scheduler.catch_up() is None  # we cannot tell what was missed: nothing is sent twice
    clock.move_to(at(24, 19, 0, 5))
    scheduler.tick()
    assert [run.day for run in runs] == [dt.date(2026, 11, 24)]


def test_interval_mode_with_a_last_run_in_the_future_runs_again(clock):
    runs: list[Run] = []
    scheduler = make(runs, last_run=at(30, 9), mode="interval", interval_minutes=15)
    clock.move_to(at(24, 12, 16))
    scheduler.tick()
    clock.move_to(at(24, 12, 31))
    scheduler.tick()
    assert len(runs) >= 1
    assert all(run.day == dt.date(2026, 11, 24) for run in runs)


def test_a_small_clock_correction_is_not_a_clock_change(clock, caplog):
    runs: list[Run] = []
    scheduler = make(runs, last_run=at(24, 12, 1), mode="daily", time="19:00")  # one minute ahead
    with caplog.at_level("WARNING"):
        assert scheduler.catch_up() is None
        scheduler.tick()
    assert "clock" not in caplog.text
    assert scheduler.last_run == at(24, 12, 1)
