"""The one HTTP client every live service uses (httpx2, installed with openai; tenacity for retries).

Why one client: the same explicit timeouts, the same retry policy, the same User-Agent and the same
"HTTPS unless this computer" rule for Shopify, WooCommerce, Google Sheets, Tally's gateway and
IndiaMART. Connectors get a response back and turn vendor statuses into sentences; only transport
failures (timeouts, refused connections) become a ServiceError here. URLs are logged without their
query string, so a key passed as a parameter never reaches the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from .base import ServiceError

if TYPE_CHECKING:
    import httpx2
    from tenacity import RetryCallState

# httpx2 and tenacity are imported where a request is made, not with this module: every file connector
# module imports it for json_body/looks_like_html, so a report from exported files would load them (40 ms).

log = logging.getLogger("business_orchestrator.http")

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})  # busy or restarting: shared hosts answer these
MAX_RETRY_AFTER_S = 120.0
MAX_REDIRECTS = 5


def user_agent(version: str) -> str:
    return f"BusinessOrchestrator/{version} (+https://github.com/business-orchestrator; desktop report app)"


def safe_url(url: str | httpx2.URL) -> str:
    """scheme://host/path: what may be printed or logged (no query string, no user:password)."""
    import httpx2

    parsed = httpx2.URL(str(url))
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.path}"


def _on_lan(host: str) -> bool:
    """A private address (192.168.x.x, 10.x.x.x...) or a bare PC name ("ACCOUNTS-PC"): this office's network."""
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_private
    except ValueError:
        return "." not in host


def check_url(source: str, url: str, lan_http: bool = False) -> httpx2.URL:
    """The URL, if it may be used: HTTPS, or plain HTTP to this computer only.

    `lan_http` lets a service that sends no secret and cannot speak HTTPS (Tally's gateway) use plain HTTP
    to a computer on the office network too.
    """
    import httpx2

    try:
        parsed = httpx2.URL(url)
    except (httpx2.InvalidURL, TypeError) as exc:
        shown = url.split("?")[0][:80]  # never a query string: some vendors put the key there
        raise ServiceError(source, f"'{shown}' is not a web address ({exc}); check the address in Settings") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        shown = url.split("?")[0][:80]
        raise ServiceError(source, f"'{shown}' is not a web address; it should start with https://")
    if parsed.scheme == "http" and parsed.host not in LOCAL_HOSTS and not (lan_http and _on_lan(parsed.host)):
        raise ServiceError(source, f"{parsed.host} must be reached over HTTPS (https://...): plain HTTP would send "
                                   "your key unencrypted; only this computer (127.0.0.1, localhost) may use http://")
    return parsed


class _RetryAfter:
    """tenacity wait: the server's Retry-After when it sends one (capped), else exponential backoff."""

    def __init__(self, first: float, cap: float):
        self.first, self.cap = first, cap

    def __call__(self, state: RetryCallState) -> float:
        backoff = min(self.cap, self.first * 2 ** (state.attempt_number - 1))
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            header = outcome.result().headers.get("retry-after", "")
            try:
                return min(float(header), MAX_RETRY_AFTER_S)
            except ValueError:
                pass
        return backoff


class HttpClient:
    """A small facade over httpx2.Client: timeouts, retries with backoff, User-Agent, HTTPS rule."""

    def __init__(self, *, user_agent: str, timeout_s: float = 20.0, retries: int = 3, backoff_s: float = 1.0,
                 backoff_cap_s: float = 30.0, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx2.BaseTransport | None = None):
        import httpx2

        self.retries, self.sleep, self.timeout_s, self.user_agent = retries, sleep, timeout_s, user_agent
        self._wait = _RetryAfter(backoff_s, backoff_cap_s)
        self._client = httpx2.Client(
            timeout=httpx2.Timeout(timeout_s, connect=min(10.0, timeout_s)),
            headers={"User-Agent": user_agent},
            follow_redirects=True,
            # Connection failures are retried by the transport; statuses and timeouts by tenacity below.
            transport=transport or httpx2.HTTPTransport(retries=1),
            trust_env=True,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def request(self, source: str, method: str, url: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, headers: Mapping[str, str] | None = None, auth: tuple[str, str] | None = None,
                retry_statuses: Collection[int] = RETRY_STATUSES, what: str = "the service",
                content: bytes | None = None, lan_http: bool = False) -> httpx2.Response:
        """One request with retries; the last response is returned whatever its status.

        `what` names the other end in sentences ("the shop", "the sheet"). Redirects are followed, but a
        redirect to plain HTTP on another computer is refused like any other non-HTTPS address.
        """
        target = check_url(source, url, lan_http)
        # Credentials never follow a redirect to another computer (httpx drops Authorization there, but
        # not a vendor's own header such as X-Shopify-Access-Token): with credentials, same host only.
        credentials = auth is not None or bool(headers)

        def send() -> httpx2.Response:
            address = target
            for _ in range(MAX_REDIRECTS + 1):
                response = self._client.request(method, address, params=params, json=json, headers=headers,
                                                auth=auth, content=content,
                                                follow_redirects=not credentials)
                check_url(source, str(response.url), lan_http)
                log.debug("%s %s -> %s", method, safe_url(response.url), response.status_code)
                if not (credentials and response.is_redirect):
                    return response
                address = response.url.join(response.headers.get("location", ""))
                if address.host != target.host:
                    raise ServiceError(source, f"{what} at {target.host} sends requests on to {address.host}; "
                                               f"enter {address.host} as the address instead (keys are never sent "
                                               "to another address)", response.status_code)
                check_url(source, str(address), lan_http)
            raise ServiceError(source, f"{what} at {target.host} redirects in circles; check the address")

        import httpx2
        from tenacity import Retrying, retry_if_exception_type, retry_if_result, stop_after_attempt

        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(httpx2.TransportError) | retry_if_result(
                lambda r: r.status_code in retry_statuses),
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(send)
        except httpx2.TimeoutException as exc:
            raise ServiceError(source, f"{what} at {target.host} did not answer within {self.timeout_s:g} s "
                                       f"({self.retries + 1} tries); try again later") from exc
        except httpx2.TransportError as exc:
            raise ServiceError(source, f"could not reach {what} at {target.host} ({type(exc).__name__}: "
                                       f"{str(exc)[:120]}); check the address and this computer's internet "
                                       "connection") from exc


def looks_like_html(response: httpx2.Response) -> bool:
    kind = response.headers.get("content-type", "").lower()
    return "html" in kind or response.text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


def json_body(source: str, response: httpx2.Response, what: str) -> Any:
    """The JSON body, or a sentence when the server answered a web page or garbage instead."""
    if looks_like_html(response):
        raise ServiceError(source, f"{what} answered a web page instead of data (HTTP {response.status_code}); "
                                   "check the address in Settings", response.status_code)
    try:
        return response.json()
    except ValueError as exc:
        sample = response.text[:60].replace("\n", " ")
        raise ServiceError(source, f"{what} sent something that is not JSON (HTTP {response.status_code}, starts "
                                   f"'{sample}'); try again later", response.status_code) from exc
