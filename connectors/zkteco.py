"""eSSL / ZKTeco biometric devices: the attlog.dat file (USB download), the older AGL_001.TXT export and
the device itself on the LAN.

All give punches (user id, time). A person is present on a day when a shift starts that day: punches
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
from .canonical import IssueLog, canonicalise, date_column
from .files import PREVIEW_ROWS
from .parsing import read_text
from .presets import SURE, _name_bonus, _with_user_columns
from .quoting import quoted
from .shifts import shift_days, shift_options

log = logging.getLogger("business_orchestrator.zkteco")

_STAMP = r"\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?"
# id, then the time; or id, a name, the time and the device's small numbers (some firmware writes the name).
# The name form must end in those numbers, so a headerless sales sheet (id, customer, date, amount...) is not it.
_ZK_LINE = re.compile(
    rf"^\s*(?P<emp>[^\t]+?)\s*\t(?:(?P<name>[^\t]*)\t(?=\s*{_STAMP}(?:\s*\t\s*\d+){{2,}}\s*$))??"
    rf"\s*(?P<ts>{_STAMP})"
)
MAX_LISTED_ROWS = 5  # rows named in a warning before "and N more"


def punches_frame(raw: pd.DataFrame, spec: SourceSpec, key: str, issues: IssueLog | None = None,
                  warnings: list[str] | None = None) -> SourceFrame:
    """`raw` has "user id" and "timestamp" text columns (index = row/record number): present per shift day.

    The timestamps are the device's own year-first form, so there is no day/month order to guess.
    """
    stamps = _device_stamps(raw["timestamp"])
    return shifts_frame(raw, stamps, spec, key, issues=issues, warnings=warnings)


def _device_stamps(text: pd.Series) -> pd.Series:
    """Year-first device timestamps; an impossible one (month 00) is NaT."""
    return pd.to_datetime(text, errors="coerce", format="mixed")


def shifts_frame(raw: pd.DataFrame, stamps: pd.Series, spec: SourceSpec, key: str, *, employee: str = "user id",
                 time: str = "timestamp", issues: IssueLog | None = None,
                 warnings: list[str] | None = None) -> SourceFrame:
    """Present per shift day from punches already parsed into `stamps` (index = row number).

    The shift day goes to canonicalise as dates, not text, so a date_format meant for the punch times
    is not applied to it.
    """
    settings = shift_options(spec.options)
    taps_within = settings["duplicate_minutes"]
    day, duplicate = shift_days(raw[employee].str.strip(), stamps, **settings)
    raw = raw.assign(shift_day=day)
    mapping = _with_user_columns({"employee": employee, "time": time, "date": "shift_day"}, raw, spec)
    result = canonicalise(raw, mapping, spec, key, issues=issues, warnings=warnings)
    taps = int(duplicate.sum())
    if taps:
        result.notes.append(f"{taps} double tap(s) within {taps_within:g} minutes counted once")
    crossing = int(((stamps.dt.normalize() != day) & day.notna()).sum())
    if crossing:
        result.notes.append(f"{crossing} punch(es) after midnight counted on the day their shift began")
    return result


def _numbered_lines(text: str) -> pd.Series:
    """The file's lines, index = line number (what an editor shows)."""
    lines = pd.Series(text.splitlines(), dtype="str")
    lines.index = pd.RangeIndex(1, len(lines) + 1)
    return lines


def _last_filled(lines: pd.Series) -> int:
    """Line number of the last non-blank line (0 for an empty file)."""
    filled = lines[lines.str.strip() != ""]
    return int(filled.index[-1]) if len(filled) else 0


def _preview_cut(lines: pd.Series, spec: SourceSpec) -> pd.Series:
    if spec.options.get(PREVIEW_ROWS) is None:
        return lines
    return lines.iloc[: int(spec.options[PREVIEW_ROWS])]  # type: ignore[call-overload]


def _rows_named(rows: Sequence[int]) -> str:
    """"row 7175" / "rows 3, 9 and 12" / "rows 3, 9, 12, 15, 20 and 4 more"."""
    shown = [str(row) for row in rows[:MAX_LISTED_ROWS]]
    more = len(rows) - len(shown)
    if len(rows) == 1:
        return f"row {shown[0]}"
    if more:
        return f"rows {', '.join(shown)} and {more} more"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def unplaced_warning(file_name: str, lines: pd.Series) -> str:
    """Why punch lines the device wrote wrongly were left out, and that nothing needs doing about them."""
    one = len(lines) == 1
    first = quoted(lines.iloc[0].strip())
    which = _rows_named([int(row) for row in lines.index])
    return (f"{which} of {file_name} {'is not a punch' if one else 'are not punches'}: "
            f"{'it' if one else 'the first'} reads {first}, which cannot be placed on any day (the device wrote "
            f"{'it' if one else 'them'} wrongly), so {'it was' if one else 'they were'} left out and no day's count "
            f"changes; nothing needs doing unless this keeps happening, then check the date and time on the device")


class ZKTecoConnector:
    """ZKTeco biometric `attlog.dat`: headerless, tab-separated punches; present = a shift began that day."""

    key = "zkteco"
    label = "ZKTeco attendance log (attlog.dat)"
    domain: Domain = "attendance"

    def detect(self, probe: Probe) -> int:
        lines = [line for line in probe.head_text.splitlines()[:20] if line.strip()]
        if not lines:
            return 0
        if not _ZK_LINE.match(lines[0]):
            return 0  # a header row: a table read by its column names, not a device log
        matches = sum(bool(_ZK_LINE.match(line)) for line in lines)
        if matches >= max(1, int(0.8 * len(lines))):
            return SURE + _name_bonus(probe, "attlog")
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None)
        lines = _numbered_lines(text)  # no header: row = line number
        last = _last_filled(lines)
        lines = _preview_cut(lines, spec)
        lines = lines[lines.str.strip() != ""]
        parts = lines.str.extract(_ZK_LINE)
        unplaced = _device_stamps(parts["ts"]).isna()
        # the last line may be a copy cut off half-way, and the punches after it missing: that stays an issue
        cut_off = unplaced & (lines.index == last)
        issues = IssueLog(spec.name)
        issues.add(cut_off, lines, None, "punch line")  # type: ignore[arg-type]
        skipped = lines[unplaced & ~cut_off]
        warnings = [unplaced_warning(spec.file.name, skipped)] if len(skipped) else []
        good = parts[~unplaced]
        raw = pd.DataFrame({"user id": good["emp"], "timestamp": good["ts"]})
        return punches_frame(raw, spec, self.key, issues, warnings)

    def preview_raw(self, spec: SourceSpec, rows: int) -> pd.DataFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None, limit=65536)
        lines = pd.Series(text.splitlines()[:rows], dtype="str")
        named = lines.str.extract(_ZK_LINE)["name"].notna().any()
        cols = ["user id", *(["name"] if named else []), "timestamp", "verify", "state", "workcode", "reserved"]
        frame = lines.str.split("\t", expand=True)
        frame.columns = [cols[i] if i < len(cols) else f"field {i + 1}" for i in range(frame.shape[1])]
        return frame.apply(lambda c: c.fillna("").str.strip())


# --- the older "TMNo" USB export (AGL_001.TXT, GLG_001.TXT) -------------------------------------------

_TMNO_HEADER = re.compile(r"^\ufeff?\s*No\s*\tTMNo\s*\tEnNo\b.*\bDateTime\s*$", re.IGNORECASE)
TMNO_EMPLOYEE = "EnNo"
TMNO_TIME = "DateTime"


def _first_filled(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _tmno_fields(rows: pd.Series) -> pd.DataFrame:
    """EnNo (third field) and DateTime (the last non-blank field after the name) of each row.

    The header may have more tab fields than the rows (blank names between Name and GMNo), so the
    header's positions are not the rows'; the time is always last.
    """
    fields = rows.str.split("\t")
    employee = fields.map(lambda cells: cells[2].strip() if len(cells) > 2 else "")
    stamp = fields.map(lambda cells: next((c.strip() for c in reversed(cells[3:]) if c.strip()), ""))
    frame = pd.DataFrame({TMNO_EMPLOYEE: employee, TMNO_TIME: stamp}, index=rows.index, dtype="str")
    return frame.where(frame != "")


class ZKTecoTMNoConnector:
    """The older ZKTeco USB export (AGL_001.TXT / GLG_001.TXT): a `No TMNo EnNo … DateTime` header and
    one punch per row, its time written in the PC's date settings (the order is read from the column)."""

    key = "zkteco_tmno"
    label = "ZKTeco attendance export (AGL_001.TXT)"
    domain: Domain = "attendance"

    def detect(self, probe: Probe) -> int:
        if _TMNO_HEADER.match(_first_filled(probe.head_text)):
            return SURE + _name_bonus(probe, "agl_", "glg_")
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None)
        lines = _numbered_lines(text)  # the header is row 1, as a spreadsheet shows it
        filled = lines[lines.str.strip() != ""]
        rows = _preview_cut(filled.iloc[1:], spec)
        raw = _tmno_fields(rows)
        issues = IssueLog(spec.name)
        warnings: list[str] = []
        issues.add(raw[TMNO_EMPLOYEE].isna(), rows, TMNO_EMPLOYEE, "enrolment number (EnNo) of the punch row")
        stamps = date_column(raw, TMNO_TIME, spec, issues, warnings, blank=True)
        return shifts_frame(raw, stamps, spec, self.key, employee=TMNO_EMPLOYEE, time=TMNO_TIME, issues=issues,
                            warnings=warnings)

    def preview_raw(self, spec: SourceSpec, rows: int) -> pd.DataFrame:
        text = read_text(spec.file, str(spec.options.get("encoding") or "") or None, limit=65536)
        lines = [line for line in text.splitlines() if line.strip()][: rows + 1]
        names = [name.strip() for name in lines[0].split("\t") if name.strip()] if lines else []
        frame = pd.Series(lines[1:], dtype="str").str.split("\t", expand=True)
        if frame.shape[1] != len(names):  # without the blank header fields the names line up with the rows
            names = [f"field {i + 1}" for i in range(frame.shape[1])]
        frame.columns = names
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


CONNECTORS = (ZKTecoConnector(), ZKTecoTMNoConnector(), ZKTecoDevice())

__all__ = ["CONNECTORS", "ZKTecoConnector", "ZKTecoDevice", "ZKTecoTMNoConnector", "make_zk", "punches_frame",
           "shift_days", "shifts_frame"]
