"""IndiaMART Lead Manager: the pull API's JSON saved to a file, and the CRM API v2 fetched live.

The API answers at most 7 days per call and 365 days back, wants at least 5 minutes between calls
("It is advised to hit this API once in every 5 minutes"; hitting it more often blocks the key for a
while) and puts its errors in the body's CODE, often with HTTP 200. So a fetch walks 7-day windows with a
pause between calls, a source is polled no more often than every 15 minutes whatever the schedule says,
and leads are kept by UNIQUE_QUERY_ID so a window read twice never counts a lead twice. QUERY_TYPE says
where the lead came from ("IndiaMART · Buy-lead"); names, phones, e-mails and addresses stay on this
PC: they are never put in a sentence, a log line or the report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pandas as pd

from .base import (
    Domain,
    FetchRequest,
    Page,
    Probe,
    Record,
    ServiceError,
    ServiceField,
    SourceFrame,
    SourceReadError,
    SourceSpec,
)
from .canonical import canonicalise, text_column
from .files import PREVIEW_ROWS, find_records, load_json, records_frame
from .http import json_body
from .presets import SURE, _with_user_columns

log = logging.getLogger("business_orchestrator.indiamart")

API = "https://mapi.indiamart.com/wservce/crm/crmListing/v2/"
IST = ZoneInfo("Asia/Kolkata")  # QUERY_TIME and start_time/end_time are India time, written without an offset
WINDOW = dt.timedelta(days=7)
MAX_BACK = dt.timedelta(days=365)
CALL_GAP_S = 5 * 60  # between the calls of one fetch (a backfill walks several 7-day windows)
POLL_GAP_S = 15 * 60  # between fetches, whatever the schedule says
TIME_FORMAT = "%d-%b-%Y%H:%M:%S"  # as IndiaMART documents it: 16-Feb-202316:00:00

QUERY_TYPES = {"W": "Direct enquiry", "B": "Buy-lead", "P": "Phone call", "BIZ": "Catalogue view",
               "WA": "WhatsApp"}
COLUMNS: dict[str, str] = {
    "lead_id": "UNIQUE_QUERY_ID", "date": "QUERY_TIME", "name": "SENDER_NAME", "phone": "SENDER_MOBILE",
    "email": "SENDER_EMAIL", "company": "SENDER_COMPANY",
}


# The retired pull API (before v2) named the same fields otherwise; saved files of it still exist
LEGACY_FIELDS = {"QUERY_ID": "UNIQUE_QUERY_ID", "QTYPE": "QUERY_TYPE", "DATE_TIME_RE": "QUERY_TIME",
                 "SENDERNAME": "SENDER_NAME", "MOB": "SENDER_MOBILE", "SENDEREMAIL": "SENDER_EMAIL",
                 "GLUSR_USR_COMPANYNAME": "SENDER_COMPANY"}


def lead_source(kinds: pd.Series) -> pd.Series:
    """"IndiaMART · Buy-lead" from QUERY_TYPE; an unknown or missing type is "IndiaMART · Other"."""
    label = kinds.fillna("").astype("str").str.strip().str.upper().map(QUERY_TYPES).fillna("Other")
    return ("IndiaMART · " + label).astype("str")


def leads_frame(raw: pd.DataFrame, spec: SourceSpec, key: str) -> SourceFrame:
    """Leads (IndiaMART's field names, strings, indexed by record) to the canonical leads frame."""
    if len(raw.columns) == 0:
        raw = pd.DataFrame(columns=["UNIQUE_QUERY_ID", "QUERY_TIME"], dtype="str")
    kind = text_column(raw, {"t": "QUERY_TYPE"} if "QUERY_TYPE" in raw else {}, "t")
    raw = raw.assign(_source=lead_source(kind))
    mapping = {"source": "_source"}
    for canonical, column in COLUMNS.items():
        if column in raw:
            mapping[canonical] = column
    mapping = _with_user_columns(mapping, raw, spec)
    return canonicalise(raw, mapping, spec, key)


class IndiaMARTConnector:
    """IndiaMART Lead Manager pull API JSON saved to a file (CODE / STATUS / RESPONSE[...])."""

    key = "indiamart"
    label = "IndiaMART Lead Manager (pull API JSON)"
    domain: Domain = "leads"
    COLUMNS: ClassVar[dict[str, str]] = COLUMNS

    def detect(self, probe: Probe) -> int:
        keys = set(probe.json_keys)
        if "UNIQUE_QUERY_ID" in keys or '"UNIQUE_QUERY_ID"' in probe.head_text:
            return SURE + 5
        if {"QUERY_ID", "QTYPE", "DATE_TIME_RE"} <= keys:  # the retired pull API's names
            return SURE
        if {"CODE", "STATUS"} <= keys and ("RESPONSE" in keys or "MESSAGE" in keys):
            return SURE
        return 0

    def read(self, spec: SourceSpec) -> SourceFrame:
        doc = load_json(spec)
        if isinstance(doc, dict) and "CODE" in doc and str(doc.get("CODE")).strip() != "200":
            message = str(doc.get("MESSAGE") or doc.get("STATUS") or "no message")[:160]
            raise SourceReadError(spec.name, f"IndiaMART answered CODE {doc.get('CODE')}: {message}")
        records = find_records(doc, "RESPONSE")
        if records is None:
            raise SourceReadError(spec.name, f"{spec.file.name} has no RESPONSE list of leads")
        nrows = spec.options.get(PREVIEW_ROWS)
        raw = records_frame(records, int(nrows) if nrows is not None else None)  # type: ignore[call-overload]
        raw = raw.rename(columns={old: new for old, new in LEGACY_FIELDS.items()
                                  if old in raw.columns and new not in raw.columns})
        raw, repeats = _once_per_enquiry(raw)
        # QUERY_TIME is IST wall-clock "YYYY-MM-DD HH:MM:SS": unambiguous, read as written.
        result = leads_frame(raw, spec, self.key)
        if repeats:
            result.warnings.append(f"{repeats} enquir{'y' if repeats == 1 else 'ies'} listed again under the same "
                                   f"UNIQUE_QUERY_ID (IndiaMART sends some again; saved pulls overlap) counted once")
        return result


def _once_per_enquiry(raw: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The first record of each UNIQUE_QUERY_ID, and how many repeats were left out (blank ids all kept).

    The live route keeps leads by that id; a saved file must count the same, or a re-sent enquiry, or two
    overlapping 7-day pulls pasted together, would count twice.
    """
    if "UNIQUE_QUERY_ID" not in raw:
        return raw, 0
    ids = raw["UNIQUE_QUERY_ID"].astype("str").str.strip()
    repeated = ids.duplicated() & (ids != "")
    return raw[~repeated], int(repeated.sum())


# --- the live API ------------------------------------------------------------------------------------


def _windows(since: dt.datetime, until: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """7-day windows covering [since, until), newest first (today's leads arrive first)."""
    out = []
    end = until
    while end > since:
        start = max(since, end - WINDOW)
        out.append((start, end))
        end = start
    return out


def _ist(moment: dt.datetime) -> str:
    return moment.astimezone(IST).strftime(TIME_FORMAT)


class IndiaMARTService:
    """IndiaMART Lead Manager CRM API v2 (`crmListing/v2`), the CRM key in the OS keyring."""

    key = "indiamart"
    label = "IndiaMART Lead Manager (CRM API)"
    domain: Domain = "leads"
    incremental = True
    min_interval_s = POLL_GAP_S  # LiveSources skips a fetch asked for sooner than this after the last one
    fields = (
        ServiceField("url", "API address", f"IndiaMART's CRM API; keep {API} unless IndiaMART gives you another.",
                     placeholder=API),
        ServiceField("crm_key", "CRM key", "In IndiaMART's Lead Manager: Settings → Import/Export Leads → "
                     "CRM Integration API → Generate key. Generating a new key stops the old one.", secret=True),
    )

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        spec = request.spec
        key = request.secret("crm_key")
        if not key:
            raise ServiceError(spec.name, "no IndiaMART CRM key is stored: enter it in Settings → Sources "
                                          "(Lead Manager → Import/Export Leads → CRM Integration API)")
        url = str(spec.service.get("url") or API).strip()
        earliest = request.until - MAX_BACK + dt.timedelta(minutes=1)
        since = max(request.since or earliest, earliest)
        if request.since is not None and request.since < earliest:
            log.info("IndiaMART keeps 365 days: %s asked from %s, fetching from %s", spec.name,
                     request.since.date(), since.date())
        windows = _windows(since, request.until)
        if request.max_pages is not None:
            windows = windows[: request.max_pages]
        gap = float(spec.service.get("call_gap_s") or CALL_GAP_S)
        for number, (start, end) in enumerate(windows):
            if number:
                request.client.sleep(gap)
            leads = self._call(request, url, key, start, end, gap)
            yield Page([Record(str(lead["UNIQUE_QUERY_ID"]), lead) for lead in leads if lead.get("UNIQUE_QUERY_ID")],
                       total_pages=len(windows))

    def _call(self, request: FetchRequest, url: str, key: str, start: dt.datetime, end: dt.datetime,
              gap: float) -> list[dict[str, Any]]:
        """One window; CODE 429 waits the advised 5 minutes once, then gives up with a sentence."""
        spec = request.spec
        params = {"glusr_crm_key": key, "start_time": _ist(start),
                  "end_time": _ist(end - dt.timedelta(seconds=1))}
        for attempt in range(2):
            # A header marks the request as carrying a secret (the key is in the query): same-host redirects only.
            response = request.client.request(spec.name, "GET", url, params=params, retry_statuses=(502, 503, 504),
                                              headers={"Accept": "application/json"}, what="IndiaMART")
            body = json_body(spec.name, response, "IndiaMART")
            if not isinstance(body, dict):
                raise ServiceError(spec.name, "IndiaMART answered something other than a list of leads; try again "
                                              "later", response.status_code)
            try:
                code = int(str(body.get("CODE", response.status_code)).strip())
            except ValueError:
                code = response.status_code
            if code == 429 and attempt == 0 and request.max_pages is None:  # a check (doctor, Test) never waits
                log.info("IndiaMART asked %s to wait (CODE 429); waiting %.0f s", spec.name, gap)
                request.client.sleep(gap)
                continue
            return self._leads(spec, code, body, response.status_code)
        raise AssertionError("unreachable")

    @staticmethod
    def _leads(spec: SourceSpec, code: int, body: Mapping[str, Any], status: int) -> list[dict[str, Any]]:
        message = str(body.get("MESSAGE") or "")[:160]
        if code == 200:
            leads = body.get("RESPONSE") or []
            return [dict(lead) for lead in leads if isinstance(lead, dict)]
        if code == 204:
            return []  # no leads in this window
        if code == 429:
            raise ServiceError(spec.name, "IndiaMART says its key was used too often (CODE 429: it allows one call "
                                          "every 5 minutes and blocks the key for a while after repeated calls); "
                                          "the next fetch will try again", 429)
        if code in (401, 403):
            raise ServiceError(spec.name, f"IndiaMART refused the CRM key (CODE {code}): it is wrong or expired. "
                                          "Generating a new key in Lead Manager stops the old one: enter the newest "
                                          "key in Settings → Sources", code)
        raise ServiceError(spec.name, f"IndiaMART answered CODE {code}" + (f": {message}" if message else ""),
                           status if status >= 400 else None)

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        raw = records_frame([dict(r) for r in records])
        if "QUERY_TIME" in raw:
            zone = str(spec.service.get("timezone") or "Asia/Kolkata")
            stamps = pd.to_datetime(raw["QUERY_TIME"], errors="coerce", format="%Y-%m-%d %H:%M:%S")
            if zone != "Asia/Kolkata":  # IST wall clock to the business's wall clock
                stamps = stamps.dt.tz_localize(IST).dt.tz_convert(zone).dt.tz_localize(None)
            raw["QUERY_TIME"] = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").where(stamps.notna(), raw["QUERY_TIME"])
        return leads_frame(raw, spec, self.key)


CONNECTORS = (IndiaMARTConnector(), IndiaMARTService())

__all__ = ["API", "CONNECTORS", "IndiaMARTConnector", "IndiaMARTService", "lead_source", "leads_frame"]
