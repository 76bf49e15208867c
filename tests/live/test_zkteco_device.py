"""eSSL/ZKTeco device on the LAN, tested at pyzk's seam (its ZK object): no device can be reached here.

The fake hands back pyzk's own Attendance and User objects shaped as a device sends them, and fails on any
call that would write to the device or clear it.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pandas as pd
import pytest
from zk.attendance import Attendance
from zk.exception import ZKErrorResponse, ZKNetworkError
from zk.user import User

from connectors import read_source
from connectors.base import SourceSpec
from connectors.zkteco import ZKTecoDevice, make_zk, shift_days
from desktop_app.live import LiveSources
from tests.live.conftest import NOW, ZONE

READ_ONLY = {"connect", "disconnect", "get_users", "get_attendance"}


def punch(user: str, when: str, status: int = 1, punch_state: int = 0) -> Attendance:
    return Attendance(user, dt.datetime.fromisoformat(when), status, punch_state, uid=int(user))


USERS = [User(1, "Asha Patel", 0, user_id="3"), User(2, "Bhavesh Shah", 0, user_id="5"),
         User(3, "Chirag Night", 0, user_id="7"), User(4, "Admin", 14, user_id="9")]
PUNCHES = [
    # user 3: a day shift with a lunch break, both days
    punch("3", "2026-11-23 09:00:05"), punch("3", "2026-11-23 13:00:00"), punch("3", "2026-11-23 13:31:00"),
    punch("3", "2026-11-23 18:05:00"), punch("3", "2026-11-24 09:10:00"), punch("3", "2026-11-24 18:00:00"),
    # user 5: in on the 23rd only, with a double tap
    punch("5", "2026-11-23 09:30:00"), punch("5", "2026-11-23 09:30:02"), punch("5", "2026-11-23 17:45:00"),
    # user 7: night shifts, 22:00 to 06:00 the next morning, a double tap at the door
    punch("7", "2026-11-22 22:01:10"), punch("7", "2026-11-23 06:02:00"),
    punch("7", "2026-11-23 21:58:00"), punch("7", "2026-11-23 21:58:03"), punch("7", "2026-11-24 06:05:00"),
    punch("7", "2026-11-24 22:00:00"),
]


class FakeZK:
    """pyzk's ZK as far as we use it; anything else (clear_attendance, set_user...) fails the test."""

    def __init__(self, users=USERS, punches=PUNCHES, fail: BaseException | None = None):
        self.users, self.punches, self.fail = users, punches, fail
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        raise AssertionError(f"the app called ZK.{name}: it must only read the device")

    def connect(self):
        self.calls.append("connect")
        if self.fail is not None:
            raise self.fail
        return self

    def get_users(self):
        self.calls.append("get_users")
        return self.users

    def get_attendance(self):
        self.calls.append("get_attendance")
        return self.punches

    def disconnect(self):
        self.calls.append("disconnect")
        return True


def device_spec(url: str = "192.168.1.201", **service: object) -> SourceSpec:
    return SourceSpec(name="Biometric", domain="attendance", path="", kind="zkteco_device",
                      service={"url": url, "backfill_days": 60, "overlap_days": 3, "timezone": ZONE, **service})


@pytest.fixture
def device(monkeypatch):
    made: list[tuple] = []
    fake = FakeZK()

    def connect(ip, port, timeout, password):
        made.append((ip, port, timeout, password))
        return fake

    monkeypatch.setattr(ZKTecoDevice, "connect", staticmethod(connect))
    fake.made = made
    return fake


def live(store, secrets=None) -> LiveSources:
    return LiveSources(store, secrets=lambda source, name: (secrets or {}).get(name))


def present_by_day(frame: pd.DataFrame) -> dict[str, list[str]]:
    rows = frame[frame["present"]]
    return {str(day.date()): sorted(group["employee"]) for day, group in rows.groupby("date")}


def test_device_punches_become_shift_days_with_night_shifts_and_double_taps(store, device):
    sources = live(store)
    result = sources.fetch(device_spec(), now=NOW)
    assert result.ok, result.message
    assert device.made == [("192.168.1.201", 4370, 5, 0)]
    assert device.calls == ["connect", "get_users", "get_attendance", "disconnect"]  # read, nothing written
    frame, _fresh = sources.load(device_spec())
    result_frame = frame.frame
    assert present_by_day(result_frame) == {
        "2026-11-22": ["7"],  # the night shift that began at 22:01 (its 06:02 punch-out is on the 23rd)
        "2026-11-23": ["3", "5", "7"],
        "2026-11-24": ["3", "7"],  # 7's 06:05 closes the 23rd's shift; the 22:00 punch opens the 24th's
    }
    absent = result_frame[~result_frame["present"]]
    assert sorted(map(tuple, absent[["employee", "date"]].astype(str).to_numpy())) == [
        ("3", "2026-11-22"), ("5", "2026-11-22"), ("5", "2026-11-24")]
    assert "9" not in set(result_frame["employee"])  # enrolled, never punched: not absent every day
    assert any("2 double tap(s)" in note for note in frame.notes)
    assert any("counted on the day their shift began" in note for note in frame.notes)
    assert any("1 enrolled user(s) never punched" in note for note in frame.notes)
    stored = " ".join(str(r) for r in store.records("Biometric"))
    assert "Asha Patel" in stored  # names stay on this PC (in its store)...
    assert not any("Asha" in note for note in frame.notes)  # ...and out of what the report says


def test_a_second_read_updates_instead_of_adding(store, device):
    sources = live(store)
    assert sources.fetch(device_spec(), now=NOW).ok
    first = store.count("Biometric")
    assert sources.fetch(device_spec(), now=NOW + dt.timedelta(hours=1)).ok
    assert store.count("Biometric") == first == len(PUNCHES) + len(USERS)


def test_comm_key_from_the_keyring_and_a_refused_key(store, device):
    assert live(store, {"comm_key": "1234"}).fetch(device_spec(), now=NOW).ok
    assert device.made[-1][3] == 1234
    device.fail = ZKErrorResponse("Unauthenticated")
    result = live(store, {"comm_key": "1"}).fetch(device_spec(), now=NOW)
    assert not result.ok and "refused the Comm Key" in result.message


def test_a_device_that_does_not_answer_is_a_sentence_with_its_ip(store, device):
    device.fail = ZKNetworkError("can't reach device (ping 192.168.1.201)")
    result = live(store).fetch(device_spec("192.168.1.201:4371"), now=NOW)
    assert not result.ok
    assert "192.168.1.201:4371 did not answer within 5 s" in result.message
    assert "same network" in result.message and "Menu → Comm. → Ethernet" in result.message
    assert device.calls == ["connect"]


def test_real_pyzk_against_a_silent_port_times_out_with_the_sentence(store, monkeypatch):
    """pyzk itself, pointed at a port on 127.0.0.1 that accepts the connection and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    monkeypatch.setattr(ZKTecoDevice, "connect", staticmethod(lambda ip, p, timeout, pw: make_zk(ip, p, 1, pw)))
    try:
        result = live(store).fetch(device_spec(f"127.0.0.1:{port}"), now=NOW)
    finally:
        for conn in accepted:
            conn.close()
        listener.close()
    assert not result.ok and f"127.0.0.1:{port} did not answer" in result.message


def test_attlog_file_uses_the_same_shift_rule(tmp_path):
    lines = ["        7\t2026-11-23 21:58:00\t1\t0\t1\t0", "        7\t2026-11-24 06:05:00\t1\t1\t1\t0",
             "        3\t2026-11-24 09:10:00\t1\t0\t1\t0", "        3\t2026-11-24 09:10:04\t1\t0\t1\t0"]
    path = tmp_path / "1_attlog.dat"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_source(SourceSpec("attlog", "attendance", str(path)))
    assert result.connector == "zkteco"
    assert present_by_day(result.frame) == {"2026-11-23": ["7"], "2026-11-24": ["3"]}


def test_shift_days_missed_punch_out_starts_a_new_shift():
    employees = pd.Series(["1", "1", "1"])
    stamps = pd.to_datetime(pd.Series(["2026-11-23 18:00", "2026-11-24 09:00", "2026-11-24 18:30"]))
    day, duplicate = shift_days(employees, stamps)
    # 18:00 opened a shift; 09:00 is 15 h later (over 14 h): a missed punch-out, a new shift that 18:30 closes
    assert [str(d.date()) for d in day] == ["2026-11-23", "2026-11-24", "2026-11-24"]
    assert not duplicate.any()
