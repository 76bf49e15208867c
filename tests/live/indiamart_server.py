"""IndiaMART's CRM API v2 on 127.0.0.1, with its documented rules enforced by the server itself.

GET /wservce/crm/crmListing/v2/?glusr_crm_key=…&start_time=16-Feb-202316:00:00&end_time=…: errors come in the
body's CODE with HTTP 200 — 401 for a wrong or replaced key, 429 when called again within 5 minutes (on the
test's simulated clock), 400 for a window over 7 days or older than 365 days, 204 when there are no leads.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from tests.live.servers import Answer, LocalServer, Seen

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
FORMAT = "%d-%b-%Y%H:%M:%S"


@dataclass
class Clock:
    """Simulated time: the client's sleeps advance it, the server's 5-minute rule reads it."""

    seconds: float = 0.0

    def __call__(self, seconds: float) -> None:  # used as the HTTP client's sleep
        self.seconds += seconds


def lead(number: int, when: dt.datetime, kind: str = "W") -> dict:
    """A lead as IndiaMART sends it (QUERY_TIME in IST, no offset); contact fields filled."""
    return {
        "UNIQUE_QUERY_ID": str(2871640000 + number), "QUERY_TYPE": kind,
        "QUERY_TIME": when.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S"),
        "SENDER_NAME": f"Buyer Name {number}", "SENDER_MOBILE": f"+91-98250{number:05d}",
        "SENDER_EMAIL": f"buyer{number}@example.in", "SUBJECT": "Requirement for Cotton Bales",
        "SENDER_COMPANY": f"Buyer Company {number}", "SENDER_ADDRESS": f"{number} Ring Road, Ahmedabad",
        "SENDER_CITY": "Ahmedabad", "SENDER_STATE": "Gujarat", "SENDER_PINCODE": "380001",
        "SENDER_COUNTRY_ISO": "IN", "SENDER_MOBILE_ALT": "", "SENDER_PHONE": "", "SENDER_PHONE_ALT": "",
        "SENDER_EMAIL_ALT": "", "QUERY_PRODUCT_NAME": "Cotton Bales", "QUERY_MESSAGE": "Need 50 bales",
        "QUERY_MCAT_NAME": "Raw Cotton", "CALL_DURATION": "45" if kind == "P" else "", "RECEIVER_MOBILE": "",
    }


class IndiaMARTServer(LocalServer):
    KEY = "mRyxEbto5HzGTfer4HKN7l6OpVXDmQ=="
    GAP_S = 300.0

    def __init__(self, leads: list[dict], clock: Clock, *, key: str = KEY):
        self.leads, self.clock, self.key = leads, clock, key
        self.last_call: float | None = None
        self.calls: list[tuple[dt.datetime, dt.datetime]] = []
        self.rate_limited = 0
        self.forced: list[int] = []  # CODEs to answer first (429, 204, 500...)
        super().__init__(self._answer)

    def _body(self, code: int, message: str, leads: list[dict] | None = None) -> Answer:
        status = "SUCCESS" if code == 200 else "FAILURE"
        payload = {"CODE": code, "STATUS": status, "MESSAGE": message, "TOTAL_RECORDS": len(leads or []),
                   "RESPONSE": leads or []}
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    def _answer(self, seen: Seen) -> Answer:
        now = self.clock.seconds
        too_soon = self.last_call is not None and now - self.last_call < self.GAP_S
        self.last_call = now
        if seen.path != "/wservce/crm/crmListing/v2/":
            return 404, {"Content-Type": "text/html"}, b"<html><body>Not Found</body></html>"
        if seen.query.get("glusr_crm_key", [""])[0] != self.key:
            return self._body(401, "Key is invalid or expired. Please generate a new key from Lead Manager")
        if self.forced:
            code = self.forced.pop(0)
            if code == 429:
                self.rate_limited += 1
                return self._body(429, "It is advised to hit this API once in every 5 minutes,but it seems that "
                                       "you have crossed this limit. please try again after 5 minutes.")
            return self._body(code, "There are no leads in the given time duration.please try for a different "
                                    "duration." if code == 204 else "Internal error")
        if too_soon:
            self.rate_limited += 1
            return self._body(429, "It is advised to hit this API once in every 5 minutes,but it seems that you "
                                   "have crossed this limit. please try again after 5 minutes.")
        start = dt.datetime.strptime(seen.query["start_time"][0], FORMAT).replace(tzinfo=IST)
        end = dt.datetime.strptime(seen.query["end_time"][0], FORMAT).replace(tzinfo=IST)
        self.calls.append((start, end))
        if end - start > dt.timedelta(days=7):
            return self._body(400, "Difference between start time and end time should not be more than 7 days")
        found = [item for item in self.leads
                 if start <= dt.datetime.fromisoformat(item["QUERY_TIME"]).replace(tzinfo=IST) <= end]
        if not found:
            return self._body(204, "There are no leads in the given time duration.please try for a different "
                                   "duration.")
        return self._body(200, "", found)
