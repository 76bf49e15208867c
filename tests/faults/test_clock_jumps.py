"""Clock jumps forward and back (NTP fixing a PC that was hours or days off, a wrong manual change):
the scheduler and the outbox never go silent, and a report already made is not made again.
time-machine moves the clock that `schedule` and our code both read."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from desktop_app.delivery import send_pending
from desktop_app.outbox import Outbox
from desktop_app.scheduler import ReportScheduler, Run
from desktop_app.settings import ScheduleSettings
from tests.desktop_app.channels.fakes import FakeClock, FakeTelegram
from tests.desktop_app.outbox_helpers import make_report, paths, queue, signed_in, telegram_settings

IST = ZoneInfo("Asia/Kolkata")
JUMPS = [dt.timedelta(hours=1), dt.timedelta(hours=-1), dt.timedelta(hours=25), dt.timedelta(hours=-25),
         dt.timedelta(days=6), dt.timedelta(days=-6), dt.timedelta(days=-40)]


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=IST)


@pytest.mark.parametrize("jump", JUMPS, ids=[f"{jump.total_seconds() / 3600:+g}h" for jump in JUMPS])
def test_the_schedule_survives_a_wrong_clock_that_is_then_corrected(jump):
    runs: list[Run] = []
    with time_machine.travel(at(24, 18), tick=False) as clock:
        scheduler = ReportScheduler(ScheduleSettings(mode="daily", time="19:00"), "Asia/Kolkata", runs.append)
        clock.move_to(at(24, 19, 0, 5))
        scheduler.tick()
        assert [run.day.day for run in runs] == [24]
        for minutes in (0, 10, 20):  # the clock is wrong for a while
            clock.move_to(at(25, 12) + jump + dt.timedelta(minutes=minutes))
            scheduler.tick()
        while_wrong = runs[1:]
        clock.move_to(at(25, 12, 30))  # corrected
        scheduler.tick()
        for day in (25, 26):
            clock.move_to(at(day, 19, 0, 5))
            scheduler.tick()
            clock.move_to(at(day, 19, 5))
            scheduler.tick()
    after = runs[1 + len(while_wrong):]
    assert len(while_wrong) <= 1  # only a clock that passed a slot makes (at most) one early report
    assert [(run.day.day, run.slot) for run in after] == [(25, at(25, 19)), (26, at(26, 19))]


def test_a_restart_after_the_clock_went_back_does_not_remake_the_last_report():
    runs: list[Run] = []
    with time_machine.travel(at(24, 18, 30), tick=False) as clock:  # set back by an hour after the 19:00 run
        scheduler = ReportScheduler(ScheduleSettings(mode="daily", time="19:00"), "Asia/Kolkata", runs.append,
                                    last_run=at(24, 19, 0, 5))
        assert scheduler.catch_up() is None
        clock.move_to(at(24, 19, 0, 5))
        scheduler.tick()
        clock.move_to(at(24, 20))
        scheduler.tick()
        assert runs == []  # the 24th was made before the clock went back
        clock.move_to(at(25, 19, 0, 5))
        scheduler.tick()
    assert [run.day.day for run in runs] == [25]


@pytest.mark.parametrize("wrong_by", [dt.timedelta(days=6), dt.timedelta(days=-6)], ids=["fast", "slow"])
def test_a_delivery_scheduled_by_a_wrong_clock_is_not_left_waiting_for_days(wrong_by):
    """A network failure while the clock was 6 days fast schedules the retry 6 days ahead; a report
    queued while the clock was 6 days slow looks 6 days old. Either way: sent at the next drain."""
    signed_in()
    real = at(24, 19)
    settings = telegram_settings("@owner_ramesh")
    outbox = Outbox(paths().history_db)
    wrong = FakeClock(real + wrong_by)
    (delivery_id,) = queue(make_report(generated_at=wrong.now()), ["@owner_ramesh"], now=wrong.now())
    fake = FakeTelegram(send_script=[ConnectionResetError(104, "reset")])
    send_pending(settings, paths(), client_factory=fake, now=wrong.now, sleep=wrong.sleep)
    assert outbox.get(delivery_id).status == "pending"
    right = FakeClock(real + dt.timedelta(minutes=5))  # corrected
    result = send_pending(settings, paths(), client_factory=fake, now=right.now, sleep=right.sleep)
    assert result.sent == 1 and outbox.get(delivery_id).status == "sent" and len(fake.sent) == 1


def test_a_report_held_for_approval_stays_held_across_a_clock_change():
    signed_in()
    (delivery_id,) = queue(make_report(), ["@owner_ramesh"])
    outbox = Outbox(paths().history_db)
    outbox.hold(delivery_id)  # until the owner releases it
    clock = FakeClock(at(18, 19))  # 6 days slow
    fake = FakeTelegram()
    send_pending(telegram_settings("@owner_ramesh"), paths(), client_factory=fake, now=clock.now, sleep=clock.sleep)
    assert outbox.get(delivery_id).status == "held" and fake.sent == []
