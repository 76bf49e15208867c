"""The one HTTP client: redirects never carry keys to another computer, Retry-After, HTTPS, User-Agent."""

from __future__ import annotations

import pytest

from connectors.base import ServiceError
from connectors.http import HttpClient, check_url, user_agent
from desktop_app import __version__
from tests.live.servers import LocalServer


@pytest.fixture
def servers():
    made = []

    def make(answer):
        server = LocalServer(answer)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


def client(sleeps, retries=2):
    return HttpClient(user_agent=user_agent(__version__), timeout_s=2, retries=retries, backoff_s=0.01, sleep=sleeps)


def test_a_key_is_not_sent_on_to_another_host(servers, sleeps):
    other = servers(lambda seen: (200, {"Content-Type": "application/json"}, b"{}"))
    elsewhere = other.url.replace("127.0.0.1", "localhost")
    shop = servers(lambda seen: (301, {"Location": f"{elsewhere}/admin/api/graphql.json"}, b""))
    with client(sleeps) as http, pytest.raises(ServiceError, match="keys are never sent to another address"):
        http.request("Shop", "POST", f"{shop.url}/admin/api/graphql.json", json={},
                     headers={"X-Shopify-Access-Token": "shpat_secret"}, what="the shop")
    assert other.seen == []


def test_same_host_redirect_keeps_the_key_and_a_published_sheet_may_move(servers, sleeps):
    target = servers(lambda seen: (200, {"Content-Type": "text/csv"}, b"a,b\n1,2\n"))

    def hop(seen):
        if seen.path == "/old":
            return 308, {"Location": "/new"}, b""
        return 200, {"Content-Type": "application/json"}, b'{"ok": true}'

    shop = servers(hop)
    with client(sleeps) as http:
        response = http.request("Shop", "POST", f"{shop.url}/old", json={}, headers={"X-Token": "k"})
        assert response.json() == {"ok": True} and shop.seen[-1].headers["x-token"] == "k"
        sheet = servers(lambda seen: (307, {"Location": target.url.replace("127.0.0.1", "localhost") + "/csv"}, b""))
        assert http.request("Sheet", "GET", f"{sheet.url}/pub").text == "a,b\n1,2\n"  # no key: may move


def test_retry_after_is_honoured_and_user_agent_names_the_app(servers, sleeps):
    answers = iter([(429, {"Retry-After": "7"}, b""), (200, {}, b"ok")])
    server = servers(lambda seen: next(answers))
    with client(sleeps) as http:
        assert http.request("S", "GET", server.url).text == "ok"
    assert sleeps == [7.0]
    assert server.seen[0].headers["user-agent"] == f"BusinessOrchestrator/{__version__} " \
        "(+https://github.com/business-orchestrator; desktop report app)"


def test_retries_run_out_and_the_last_answer_comes_back(servers, sleeps):
    server = servers(lambda seen: (503, {}, b"busy"))
    with client(sleeps, retries=2) as http:
        assert http.request("S", "GET", server.url).status_code == 503
    assert len(server.seen) == 3 and sleeps == [pytest.approx(0.01), pytest.approx(0.02)]


@pytest.mark.parametrize(("url", "ok"), [
    ("https://shop.example.com", True), ("http://127.0.0.1:9000", True), ("http://localhost:9000/x", True),
    ("http://shop.example.com", False), ("http://192.168.1.20:9000", False), ("ftp://x", False), ("", False),
])
def test_https_unless_this_computer(url, ok):
    if ok:
        check_url("S", url)
    else:
        with pytest.raises(ServiceError):
            check_url("S", url)


def test_a_bad_address_never_echoes_its_query():
    with pytest.raises(ServiceError) as caught:
        check_url("S", "mapi.indiamart.com?glusr_crm_key=SECRET")
    assert "SECRET" not in str(caught.value)


def test_lan_http_is_for_services_that_ask_for_it():
    with pytest.raises(ServiceError):
        check_url("Tally", "http://192.168.1.20:9000")
    assert check_url("Tally", "http://192.168.1.20:9000", lan_http=True).host == "192.168.1.20"
    assert check_url("Tally", "http://ACCOUNTS-PC:9000", lan_http=True).host == "accounts-pc"
    with pytest.raises(ServiceError):
        check_url("Tally", "http://tally.example.com:9000", lan_http=True)
