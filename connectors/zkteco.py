"""eSSL / ZKTeco biometric devices: the attlog.dat file (USB download) and the device itself on the LAN.

Both give punches (user id, time). A person is present on a day when a shift starts that day: punches
are paired in and out per person, so a night shift punched in at 22:00 and out at 06:00 counts once, on
the day it began, and a double tap a few seconds apart is one punch. The device is read with pyzk and
only read: nothing is ever written to it or cleared on it (other software may depend on its log). Staff
names from the device stay on this PC; the report works with user ids and counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from .base import Domain, FetchRequest, Page, Probe, Record, ServiceError, ServiceField, SourceFrame, SourceSpec
from .canonical import IssueLog, canonicalise
from .files import PREVIEW_ROWS
from .parsing import read_text
from .presets import SURE, _name_bonus, _with_user_columns

log = logging.getLogger("business_orchestrator.zkteco")

_ZK_LINE = re.compile(r"^\s*(?P<emp>[^\t]+?)\s*\t\s*(?P<ts>\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)")
DUPLICATE_MINUTES = 5  # a second punch within this of the first is a double tap
MAX_SHIFT_HOURS = 14  # a punch later than this after a shift began starts a new shift (a missed punch-out)


def shift_days(employees: pd.Series, stamps: pd.Series, *, duplicate_minutes: float = DUPLICATE_MINUTES,
               max_shift_hours: float = MAX_SHIFT_HOURS) -> tuple[pd.Series, pd.Series]:
    """(the day each punch's shift began, duplicate mask) for punches of many people.

    Per person in time order: a punch opens a shift when none is open, and closes the open one when it
    comes within `max_shift_hours` of its start; a punch within `duplicate_minutes` of the previous one
    is a double tap (marked, and not counted as an in or out).
    """
    frame = pd.DataFrame({"employee": employees, "at": stamps}).dropna()
    frame = frame.sort_values(["employee", "at"], kind="stable")
    day = pd.Series(pd.NaT, index=employees.index, dtype="datetime64[ns]")
    duplicate = pd.Series(False, index=employees.index)
    tap = pd.Timedelta(minutes=duplicate_minutes)
    longest = pd.Timedelta(hours=max_shift_hours)
    for _, group in frame.groupby("employee", sort=False):
        opened: pd.Timestamp | None = None
        previous: pd.Timestamp | None = None
        for index, at in zip(group.index, group["at"], strict=True):
            if previous is not None and at - previous <= tap:
                duplicate[index] = True
                day[index] = (opened or at).normalize()
                continue
            previous = at
            if opened is not None and at - opened <= longest:
                day[index] = opened.normalize()  # the punch out: the shift's day
                opened = None
            else:
                opened = at  # a new shift (and a missed punch-out before it, if one was open)
                day[index] = at.normalize()
    return day, duplicate


def punches_frame(raw: pd.DataFrame, spec: SourceSpec, key: str, issues: IssueLog | None = None) -> SourceFrame:
    """`raw` has "user id" and "timestamp" text columns (index = row/record number): present per shift day."""
    stamps = pd.to_datetime(raw["timestamp"], errors="coerce", format="mixed")
    day, duplicate = shift_days(raw["user id"].str.strip(), stamps,
                                duplicate_minutes=float(spec.options.get("duplicate_minutes", DUPLICATE_MINUTES)),
                                max_shift_hours=float(spec.options.get("max_shift_hours", MAX_SHIFT_HOURS)))
    raw = raw.assign(shift_day=day.dt.strftime("%Y-%m-%d").fillna(""))
    mapping = _with_user_columns({"employee": "user id", "time": "timestamp", "date": "shift_day"}, raw, spec)
    result = canonicalise(raw, mapping, spec, key, issues=issues)
    taps = int(duplicate.sum())
    if taps:
        result.notes.append(f"{taps} double tap(s) within {DUPLICATE_MINUTES} minutes counted once")
    crossing = int(((stamps.dt.normalize() != day) & day.notna()).sum())
    if crossing:
        result.notes.append(f"{crossing} punch(es) after midnight counted on the day their shift began")
    return result


class ZKTecoConnector:
    """ZKTeco biometric `attlog.dat`: headerless, tab-separated punches; present = a shift began that day."""

    key = "zkteco"
    label = "ZKTeco attendance log (attlog.dat)"
    domain: Domain = "attendance"

    def detect(self, probe: Probe) -> int:
        lines = [line for line in probe.head_text.splitlines()[:20] if line.strip()]
        if not lines:
            return 0
        matches = sum(bool(_ZK_LINE.match(line)) for line in lines)
        if matches >= max(1, int(0.8 * len(lines))):
            return SURE + _name_bonus(probe, "attlog")
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None)
        lines = pd.Series(text.splitlines(), dtype="str")
        lines.index = pd.RangeIndex(1, len(lines) + 1)  # no header: row = line number
        if spec.options.get(PREVIEW_ROWS) is not None:
            lines = lines.iloc[: int(spec.options[PREVIEW_ROWS])]  # type: ignore[call-overload]
        lines = lines[lines.str.strip() != ""]
        parts = lines.str.extract(_ZK_LINE)
        issues = IssueLog(spec.name)
        issues.add(parts["emp"].isna(), lines, None, "punch line")  # type: ignore[arg-type]
        good = parts[parts["emp"].notna()]
        raw = pd.DataFrame({"user id": good["emp"], "timestamp": good["ts"]})
        return punches_frame(raw, spec, self.key, issues)

    def preview_raw(self, spec: SourceSpec, rows: int) -> pd.DataFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None, limit=65536)
        lines = pd.Series(text.splitlines()[:rows], dtype="str")
        cols = ["user id", "timestamp", "verify", "state", "workcode", "reserved"]
        frame = lines.str.split("\t", expand=True)
        frame.columns = [cols[i] if i < len(cols) else f"field {i + 1}" for i in range(frame.shape[1])]
        return frame.apply(lambda c: c.fillna("").str.strip())


# --- the device on the LAN --------------------------------------------------------------------------

DEVICE_PORT = 4370
DEVICE_TIMEOUT_S = 5


def make_zk(ip: str, port: int, timeout: int, password: int) -> Any:
    """pyzk's ZK object (the seam tests replace). ommit_ping: Windows PCs often block ping; TCP says enough."""
    from zk import ZK

    return ZK(ip, port=port, timeout=timeout, password=password, ommit_ping=True)


def _address(spec: SourceSpec) -> tuple[str, int]:
    text = str(spec.service.get("url") or "").strip().removeprefix("zk://").removeprefix("tcp://").rstrip("/")
    host, _, port = text.partition(":")
    if not host:
        raise ServiceError(spec.name, "no device address is set: enter the IP address shown on the device "
                                      "(Menu → Comm. → Ethernet), e.g. 192.168.1.201")
    try:
        return host, int(port or spec.service.get("port") or DEVICE_PORT)
    except ValueError as exc:
        raise ServiceError(spec.name, f"'{text[:40]}' is not an address like 192.168.1.201:4370") from exc


def _unreachable(spec: SourceSpec, host: str, port: int, exc: BaseException | None = None) -> ServiceError:
    why = f" ({type(exc).__name__}: {str(exc)[:80]})" if exc is not None and str(exc) else ""
    return ServiceError(spec.name, f"the attendance device at {host}:{port} did not answer within "
                                   f"{DEVICE_TIMEOUT_S} s{why}; check that it is switched on and on the same network "
                                   f"as this PC, that its IP (Menu → Comm. → Ethernet) is still {host}, and that "
                                   f"its communication password (Comm Key) matches the one in Settings")


class ZKTecoDevice:
    """An eSSL / ZKTeco device read over the LAN with pyzk (read-only; attlog.dat stays the default)."""

    key = "zkteco_device"
    label = "eSSL / ZKTeco device on the network"
    domain: Domain = "attendance"
    incremental = False  # the device hands over its whole log; punches are keyed so re-reads update, not add
    fields = (
        ServiceField("url", "Device IP address", "The IP shown on the device under Menu → Comm. → Ethernet; "
                     "port 4370 unless changed (192.168.1.201:4370).", placeholder="192.168.1.201"),
        ServiceField("comm_key", "Comm Key (device password)", "Only if one is set on the device "
                     "(Menu → Comm. → Comm Key); leave empty otherwise.", secret=True, required=False),
    )
    connect: Callable[[str, int, int, int], Any] = staticmethod(make_zk)

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        spec = request.spec
        host, port = _address(spec)
        key = request.secret("comm_key") or "0"
        try:
            password = int(key)
        except ValueError as exc:
            raise ServiceError(spec.name, "the Comm Key is a number (Menu → Comm. → Comm Key on the device)") from exc
        device = self.connect(host, port, DEVICE_TIMEOUT_S, password)
        try:
            conn = device.connect()
        except (TimeoutError, OSError) as exc:
            raise _unreachable(spec, host, port, exc) from exc
        except Exception as exc:  # pyzk's ZKNetworkError / ZKErrorResponse ("Unauthenticated")
            if "unauth" in str(exc).lower():
                raise ServiceError(spec.name, f"the device at {host}:{port} refused the Comm Key; enter the one set "
                                              "under Menu → Comm. → Comm Key") from exc
            raise _unreachable(spec, host, port, exc) from exc
        try:
            users = conn.get_users() or []
            punches = conn.get_attendance() or []
        except (TimeoutError, OSError) as exc:
            raise _unreachable(spec, host, port, exc) from exc
        finally:
            try:
                conn.disconnect()  # read-only: no enable/disable, no clear_attendance, no set_user
            except Exception:
                log.info("the device at %s did not acknowledge the disconnect", host)
        names = {str(u.user_id): str(getattr(u, "name", "") or "") for u in users}
        records = [Record(f"{p.user_id}@{p.timestamp:%Y-%m-%dT%H:%M:%S}",
                          {"user_id": str(p.user_id), "timestamp": f"{p.timestamp:%Y-%m-%d %H:%M:%S}",
                           "status": int(getattr(p, "status", 0) or 0), "punch": int(getattr(p, "punch", 0) or 0)})
                   for p in punches if isinstance(p.timestamp, dt.datetime)]
        roster = [Record(f"user:{user_id}", {"user_id": user_id, "name": name, "roster": True})
                  for user_id, name in names.items()]
        yield Page(records + roster, total_pages=1)

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        punches = [r for r in records if not r.get("roster")]
        roster = sorted({str(r["user_id"]) for r in records if r.get("roster")})
        raw = pd.DataFrame({"user id": [str(r.get("user_id", "")) for r in punches],
                            "timestamp": [str(r.get("timestamp", "")) for r in punches]}, dtype="str")
        raw.index = pd.RangeIndex(1, len(raw) + 1)
        result = punches_frame(raw, spec, self.key)
        return _with_roster(result, roster)


def _with_roster(result: SourceFrame, roster: list[str]) -> SourceFrame:
    """Enrolled staff who punch but not on a given working day (a day someone punched) are absent that day.

    Users enrolled on the device who never punched in its log (an admin, someone who left) are not
    counted as absent every day: they are left out and the note says how many.
    """
    frame = result.frame
    if not roster or frame.empty:
        return result
    seen = set(frame["employee"].dropna())
    active = [user for user in roster if user in seen]
    idle = len(roster) - len(active)
    days = frame["date"].dropna().unique()
    grid = pd.MultiIndex.from_product([active, days], names=["employee", "date"])
    present = pd.MultiIndex.from_frame(frame[["employee", "date"]])
    missing = grid.difference(present)
    if len(missing):
        absent = pd.DataFrame({"employee": missing.get_level_values(0).astype("str"),
                               "date": missing.get_level_values(1), "present": False, "_row": 0})
        frame = pd.concat([frame, absent], ignore_index=True)
    notes = [*result.notes, f"{len(active)} staff enrolled on the device punch in (names stay on this PC)"]
    if idle:
        notes.append(f"{idle} enrolled user(s) never punched in the device's log and are not counted")
    return SourceFrame(frame, result.connector, result.has_dates, result.issues, result.warnings,
                       result.currencies, notes)


CONNECTORS = (ZKTecoConnector(), ZKTecoDevice())

__all__ = ["CONNECTORS", "ZKTecoConnector", "ZKTecoDevice", "make_zk", "punches_frame", "shift_days"]
