"""Google Sheets: a sheet read as a live source, through the same recognition and column mapping as a file.

Two ways in. (1) A link: a "Publish to web" CSV link (`…/pub?gid=…&output=csv`) or a link-shared sheet
(`…/export?format=csv&gid=…`; an `…/edit#gid=…` link is turned into that). Anyone with such a link can
read the sheet, and the settings dialog says so. (2) A private sheet through gspread and a service
account (the sheet shared with its client_email), for owners who will not publish. gspread and
google-auth add about 10 MB, more than the installer's budget allows, so they are the optional extra
`business-orchestrator[sheets]`; without them a private sheet is a sentence saying so.

A sheet has no record ids or modification times: every fetch is a snapshot (incremental = False) and
the store keeps the last good one, so a failed fetch still falls back to it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .base import Domain, FetchRequest, Page, Record, ServiceError, ServiceField, SourceFrame, SourceSpec
from .http import check_url, looks_like_html

_KEY = re.compile(r"/spreadsheets/d/(e/)?([A-Za-z0-9_-]+)")
_GID = re.compile(r"[#&?]gid=(\d+)")
MAX_BYTES = 50 * 1024 * 1024
GOOGLE_API = "https://sheets.googleapis.com"
READ_ONLY = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
NOT_SHARED = ("the sheet is not shared or published: in Google Sheets use File → Share → Publish to web → "
              "Comma-separated values (.csv), or share it with 'Anyone with the link', and paste that link")


def csv_link(url: str) -> str:
    """The CSV address of a sheet link the owner pasted (published, shared, or the browser's edit link)."""
    url = url.strip()
    if "://" not in url:
        url = f"https://{url}"
    if "output=csv" in url or "format=csv" in url:
        return url
    match = _KEY.search(url)
    if not match:
        return url
    base = url[: match.end()]
    gid = _GID.search(url)
    gid_part = f"&gid={gid.group(1)}" if gid else ""
    if match.group(1):  # /d/e/2PACX-…: a published sheet
        return f"{base}/pub?output=csv{gid_part}"
    return f"{base}/export?format=csv{gid_part}"


class GoogleSheetsService:
    """A sheet of sales, leads or attendance (domain None: whatever the source says it holds)."""

    key = "google_sheets"
    label = "Google Sheets"
    domain: Domain | None = None
    incremental = False
    fields = (
        ServiceField("url", "Sheet link", "File → Share → Publish to web → CSV link, or a link shared with "
                     "'Anyone with the link'.",
                     placeholder="https://docs.google.com/spreadsheets/d/e/…/pub?output=csv"),
        ServiceField("service_account_json", "Service-account key (private sheets only)",
                     "Optional: paste the JSON key of a Google Cloud service account and share the sheet with "
                     "its client_email; then the sheet need not be published.", secret=True, required=False),
    )

    def frame(self, spec: SourceSpec, records: Sequence[Mapping[str, Any]]) -> SourceFrame:
        """The snapshot written to a temporary CSV and read exactly as a local export would be."""
        from .registry import read_source

        text = str(records[0].get("csv", "")) if records else ""
        with tempfile.TemporaryDirectory(prefix="bo-sheet-") as folder:
            path = Path(folder) / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', spec.name)[:40] or 'sheet'}.csv"
            path.write_text(text, encoding="utf-8")
            return read_source(replace(spec, path=str(path), kind="file", service={}))

    def fetch(self, request: FetchRequest) -> Iterator[Page]:
        account = request.secret("service_account_json")
        text = self._private(request, account) if account else self._published(request)
        yield Page([Record("sheet", {"csv": text})], 1)

    def _published(self, request: FetchRequest) -> str:
        spec = request.spec
        url = csv_link(str(spec.service.get("url", "")))
        response = request.client.request(spec.name, "GET", url, what="Google Sheets")
        status = response.status_code
        if looks_like_html(response) or status in (401, 403):
            raise ServiceError(spec.name, NOT_SHARED, status)
        if status == 404:
            raise ServiceError(spec.name, "Google Sheets has no sheet at this link (HTTP 404); copy the link "
                                          "again from File → Share → Publish to web", status)
        if status >= 400:
            raise ServiceError(spec.name, f"Google Sheets answered HTTP {status}; try again later", status)
        if len(response.content) > MAX_BYTES:
            raise ServiceError(spec.name, "the sheet is larger than 50 MB; publish only the tab with the data")
        return response.content.decode("utf-8-sig", errors="replace")

    def _private(self, request: FetchRequest, account: str) -> str:
        """The sheet's values through gspread with a service account (read-only scope)."""
        spec = request.spec
        try:
            import gspread
            import requests
            from google.auth.exceptions import GoogleAuthError
            from gspread.http_client import HTTPClient
        except ImportError as exc:
            raise ServiceError(spec.name, "private sheets need the optional part for Google accounts: pip install "
                                          "'business-orchestrator[sheets]' (not in the installer, to keep it small); "
                                          "or publish the sheet and leave the service-account key empty") from exc
        try:
            info = json.loads(account)
            email, _key = info["client_email"], info["private_key"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ServiceError(spec.name, "the service-account key is not a Google JSON key file (it needs "
                                          "client_email and private_key); paste the whole file again") from exc
        check_url(spec.name, str(info.get("token_uri") or "https://oauth2.googleapis.com/token"))
        api_base = str(spec.service.get("google_api_base") or "").rstrip("/")  # tests point it at 127.0.0.1
        if api_base:
            check_url(spec.name, api_base)
        user_agent = request.client.user_agent

        class Client(HTTPClient):
            """gspread's client with our User-Agent, and the API address of the settings when one is given."""

            def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
                self.session.headers["User-Agent"] = user_agent
                if api_base:
                    endpoint = endpoint.replace(GOOGLE_API, api_base, 1)
                return super().request(method, endpoint, *args, **kwargs)

        url = str(spec.service.get("url", ""))
        key, gid = _KEY.search(url), _GID.search(url)
        try:
            client = gspread.service_account_from_dict(info, scopes=READ_ONLY, http_client=Client)
            client.set_timeout(request.client.timeout_s)
            book = client.open_by_key(key.group(2) if key else url)
            sheet = book.get_worksheet_by_id(int(gid.group(1))) if gid else book.sheet1
            rows = sheet.get_all_values()
        except (PermissionError, gspread.exceptions.SpreadsheetNotFound) as exc:  # gspread's 403 / 404
            raise ServiceError(spec.name, f"the service account cannot open this sheet; share the sheet with {email} "
                                          "as Viewer, and check the link") from exc
        except gspread.exceptions.APIError as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status in (403, 404):
                raise ServiceError(spec.name, f"the service account cannot open this sheet (HTTP {status}); share "
                                              f"the sheet with {email} as Viewer, and check the link", status) from exc
            raise ServiceError(spec.name, f"Google Sheets refused the request (HTTP {status}): "
                                          f"{str(exc)[:120]}", status) from exc
        except gspread.exceptions.WorksheetNotFound as exc:
            raise ServiceError(spec.name, "the sheet has no tab with the gid in the link; copy the link of the "
                                          "tab again") from exc
        except GoogleAuthError as exc:
            raise ServiceError(spec.name, f"Google refused the service-account key ({str(exc)[:120]}); create a "
                                          "new key for the service account and paste it again") from exc
        except requests.RequestException as exc:
            raise ServiceError(spec.name, f"could not reach Google Sheets ({type(exc).__name__}); check this "
                                          "computer's internet connection") from exc
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue()


CONNECTORS = (GoogleSheetsService(),)
