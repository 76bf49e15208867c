"""Real HTTP servers on 127.0.0.1 that answer as Shopify, WooCommerce and Google Sheets document.

Each runs in a thread of the test process (stdlib http.server), records the requests it got, and can
be told to fail the next N requests in a vendor's documented way (throttled, 401, 403, 404, 500, 503,
an HTML page, a malformed body, a hang longer than the client's timeout). Used by the tests and by
bench/live_fetch.py, so the benchmark fetches through the same code paths as the tests.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], bytes]
HTML_SIGN_IN = (b"<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title></head>"
                b"<body>Sign in to continue to Sheets</body></html>")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class LocalServer:
    """A threaded HTTP server; `answer(seen)` returns (status, headers, body)."""

    answer: Callable[[Seen], Answer]
    seen: list[Seen] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # failure kinds served before normal answers
    hang_s: float = 3.0

    def __post_init__(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                seen = Seen(self.command, parts.path, parse_qs(parts.query),
                            {k.lower(): v for k, v in self.headers.items()}, body)
                outer.seen.append(seen)
                if outer.failures:
                    status, headers, payload = outer.fail(outer.failures.pop(0))
                else:
                    status, headers, payload = outer.answer(seen)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (the timeout test) is expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, kind: str) -> Answer:
        if kind == "hang":
            time.sleep(self.hang_s)
            return 200, {}, b"{}"
        if kind == "html":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, HTML_SIGN_IN
        if kind == "malformed":
            return 200, {"Content-Type": "application/json"}, b'{"data": {"orders": {"nodes": [{"id": '
        if kind.isdigit():
            return self.status_answer(int(kind))
        raise ValueError(kind)

    def status_answer(self, status: int) -> Answer:
        return status, {"Content-Type": "application/json"}, json.dumps({"errors": f"HTTP {status}"}).encode()


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, json.dumps(body).encode()


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Shopify ------------------------------------------------------------------------------------


def shopify_order(number: int, created: dt.datetime, total: float, *, refunded: float = 0.0,
                  status: str = "PAID", cancelled: dt.datetime | None = None, test: bool = False,
                  updated: dt.datetime | None = None, source: str = "web", product: str = "Kurta",
                  currency: str = "INR") -> dict[str, Any]:
    """An order node as the GraphQL Admin API returns it for our query."""
    return {
        "id": f"gid://shopify/Order/{5000000 + number}",
        "name": f"#{1000 + number}",
        "createdAt": _utc(created),
        "updatedAt": _utc(updated or created),
        "cancelledAt": _utc(cancelled) if cancelled else None,
        "test": test,
        "displayFinancialStatus": status,
        "sourceName": source,
        "totalPriceSet": {"shopMoney": {"amount": f"{total:.2f}", "currencyCode": currency}},
        "totalRefundedSet": {"shopMoney": {"amount": f"{refunded:.2f}", "currencyCode": currency}},
        "lineItems": {"nodes": [{"name": product}]},
    }


class ShopifyServer(LocalServer):
    """POST /admin/api/<version>/graphql.json with X-Shopify-Access-Token; orders(first, after, query)."""

    TOKEN = "shpat_test_token"

    def __init__(self, orders: list[dict[str, Any]] | None = None, *, shop: str = "demo"):
        self.orders = orders or []
        self.shop = shop
        super().__init__(self._answer)

    def status_answer(self, status: int) -> Answer:
        bodies = {
            401: {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
            403: {"errors": "[API] This action requires merchant approval for read_orders scope."},
            404: {"errors": "Not Found"},
            429: self.throttled(),
        }
        return _json(status, bodies.get(status, {"errors": "Internal Server Error"}))

    @staticmethod
    def throttled(available: float = 10.0) -> dict[str, Any]:
        return {
            "errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
            "extensions": {"cost": {"requestedQueryCost": 752, "actualQueryCost": None, "throttleStatus": {
                "maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 100.0}}},
        }

    def fail(self, kind: str) -> Answer:
        if kind == "throttled":
            return _json(200, self.throttled())
        return super().fail(kind)

    def _answer(self, seen: Seen) -> Answer:
        if not seen.path.endswith("/graphql.json") or seen.method != "POST":
            return _json(404, {"errors": "Not Found"})
        if seen.headers.get("x-shopify-access-token") != self.TOKEN:
            return self.status_answer(401)
        try:
            request = json.loads(seen.body)
            variables = request["variables"]
        except (ValueError, KeyError):
            return _json(400, {"errors": [{"message": "Bad request"}]})
        since = None
        if variables.get("query"):
            text = variables["query"]
            since = text.split(">=", 1)[1].strip("'\"")
        first = int(variables.get("first") or 50)
        if first > 250:
            return _json(200, {"errors": [{"message": "The page size is limited to 250."}]})
        offset = int(base64.b64decode(variables["after"]).decode()) if variables.get("after") else 0
        matching = sorted((o for o in self.orders if since is None or o["updatedAt"] >= since),
                          key=lambda o: (o["updatedAt"], o["id"]))
        page = matching[offset:offset + first]
        end = offset + len(page)
        info = {"hasNextPage": end < len(matching), "endCursor": base64.b64encode(str(end).encode()).decode()
                if page else None}
        cost = {"requestedQueryCost": 502, "actualQueryCost": 2 + len(page), "throttleStatus": {
            "maximumAvailable": 2000.0, "currentlyAvailable": 1990.0, "restoreRate": 100.0}}
        return _json(200, {"data": {"orders": {"nodes": page, "pageInfo": info}}, "extensions": {"cost": cost}})


# --- WooCommerce --------------------------------------------------------------------------------


def woo_order(number: int, created: dt.datetime, total: float, *, status: str = "completed",
              refunds: list[float] | None = None, modified: dt.datetime | None = None,
              product: str = "Kurta", currency: str = "INR") -> dict[str, Any]:
    """An order as GET /wp-json/wc/v3/orders returns it (the fields we read, and a few we do not)."""
    gmt = lambda moment: moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")  # noqa: E731  (no Z, as WooCommerce)
    return {
        "id": 700 + number, "number": str(700 + number), "status": status, "currency": currency,
        "date_created": gmt(created), "date_created_gmt": gmt(created),
        "date_modified_gmt": gmt(modified or created), "total": f"{total:.2f}", "created_via": "checkout",
        "line_items": [{"id": 1, "name": product, "quantity": 1, "total": f"{total:.2f}"}],
        "refunds": [{"id": 900 + i, "reason": "", "total": f"-{amount:.2f}"} for i, amount in enumerate(refunds or [])],
        "payment_method": "razorpay",
    }


class WooCommerceServer(LocalServer):
    """GET /wp-json/wc/v3/orders with Basic auth, modified_after, per_page, page; X-WP-Total(Pages)."""

    KEY, SECRET = "ck_test", "cs_test"

    def __init__(self, orders: list[dict[str, Any]] | None = None):
        self.orders = orders or []
        super().__init__(self._answer)

    def status_answer(self, status: int) -> Answer:
        bodies = {
            401: {"code": "woocommerce_rest_authentication_error",
                  "message": "Invalid signature - provided signature does not match.", "data": {"status": 401}},
            403: {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.",
                  "data": {"status": 403}},
            404: {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
                  "data": {"status": 404}},
            429: {"code": "too_many_requests", "message": "Too many requests", "data": {"status": 429}},
            503: {"code": "service_unavailable", "message": "Service Unavailable", "data": {"status": 503}},
        }
        return _json(status, bodies.get(status, {"code": "internal_server_error",
                                                 "message": "There has been a critical error on this website.",
                                                 "data": {"status": status}}))

    def _answer(self, seen: Seen) -> Answer:
        if seen.path.rstrip("/") != "/wp-json/wc/v3/orders":
            return self.status_answer(404)
        expected = "Basic " + base64.b64encode(f"{self.KEY}:{self.SECRET}".encode()).decode()
        if seen.headers.get("authorization") != expected:
            return self.status_answer(401)
        query = {key: values[-1] for key, values in seen.query.items()}
        if query.get("dates_are_gmt") != "true":
            return _json(400, {"code": "rest_invalid_param", "message": "test server expects dates_are_gmt=true"})
        per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
        if per_page > 100:
            return _json(400, {"code": "rest_invalid_param", "message": "Invalid parameter(s): per_page"})
        since = query.get("modified_after")
        matching = sorted((o for o in self.orders if since is None or o["date_modified_gmt"] > since),
                          key=lambda o: (o["date_modified_gmt"], o["id"]))
        pages = max(1, -(-len(matching) // per_page))
        chunk = matching[(page - 1) * per_page: page * per_page]
        return _json(200, chunk, {"X-WP-Total": str(len(matching)), "X-WP-TotalPages": str(pages)})


# --- Google Sheets ------------------------------------------------------------------------------


class SheetsServer(LocalServer):
    """/spreadsheets/d/<key>/pub?gid=..&output=csv and /export?format=csv&gid=..; a private sheet's
    link answers Google's sign-in page (HTTP 200, text/html) as the real one does."""

    def __init__(self, csv_text: str, *, published: bool = True):
        self.csv_text, self.published = csv_text, published
        super().__init__(self._answer)

    def _answer(self, seen: Seen) -> Answer:
        if not self.published:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, HTML_SIGN_IN
        if "/spreadsheets/d/" not in seen.path:
            return 404, {"Content-Type": "text/html"}, b"<html><body>404. That's an error.</body></html>"
        return 200, {"Content-Type": "text/csv"}, self.csv_text.encode("utf-8")


class GoogleApiServer(LocalServer):
    """Google's OAuth token endpoint (JWT bearer grant, signature checked with the account's public key)
    and the Sheets API v4 metadata and values endpoints gspread calls."""

    TOKEN = "ya29.test-access-token"

    def __init__(self, rows: list[list[str]], public_key: Any, *, shared: bool = True):
        self.rows, self.public_key, self.shared = rows, public_key, shared
        self.scopes: list[str] = []
        super().__init__(self._answer)

    def _token(self, seen: Seen) -> Answer:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        form = parse_qs(seen.body.decode())
        assertion = form.get("assertion", [""])[0]
        try:
            head, claims, signature = assertion.split(".")
            pad = lambda part: base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))  # noqa: E731
            self.public_key.verify(pad(signature), f"{head}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
            self.scopes = json.loads(pad(claims))["scope"].split()
        except (ValueError, InvalidSignature, KeyError):
            return _json(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        return _json(200, {"access_token": self.TOKEN, "expires_in": 3599, "token_type": "Bearer"})

    def _answer(self, seen: Seen) -> Answer:
        if seen.path == "/token":
            return self._token(seen)
        if seen.headers.get("authorization") != f"Bearer {self.TOKEN}":
            return _json(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                         "status": "UNAUTHENTICATED"}})
        if not self.shared:
            return _json(403, {"error": {"code": 403, "message": "The caller does not have permission",
                                         "status": "PERMISSION_DENIED"}})
        parts = seen.path.split("/")  # /v4/spreadsheets/<id>[/values/<range>]
        if len(parts) >= 4 and parts[1:3] == ["v4", "spreadsheets"]:
            if len(parts) == 4:
                return _json(200, {"spreadsheetId": parts[3], "properties": {"title": "Orders", "locale": "en_US",
                                                                            "timeZone": "Asia/Kolkata"},
                                   "sheets": [{"properties": {"sheetId": 0, "title": "Sheet1", "index": 0,
                                                              "sheetType": "GRID", "gridProperties": {
                                                                  "rowCount": 1000, "columnCount": 26}}}]})
            if len(parts) == 6 and parts[4] == "values":
                return _json(200, {"range": "Sheet1!A1:Z1000", "majorDimension": "ROWS", "values": self.rows})
        return _json(404, {"error": {"code": 404, "message": "Requested entity was not found.",
                                     "status": "NOT_FOUND"}})
