"""`sources`, `sources fetch`, `sources connect` and doctor's live checks, against a local Shopify."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.paths import app_paths
from desktop_app.secrets import get_source_secret, set_source_secret
from tests.live.conftest import ist
from tests.live.servers import ShopifyServer, shopify_order


@pytest.fixture
def shop():
    server = ShopifyServer([shopify_order(i, ist(20 + i % 4, 10), 100.0) for i in range(300)])
    yield server
    server.close()


def write_settings(shop_url: str) -> None:
    app_paths().ensure().settings_file.write_text(
        '[[sources]]\nname = "Shopify"\ndomain = "sales"\nkind = "shopify"\n'
        f'url = "{shop_url}"\nbackfill_days = 3650\n'
        '[[sources]]\nname = "Old export"\ndomain = "sales"\npath = "/nowhere/orders.csv"\n', encoding="utf-8")


def test_fetch_then_list(shop, capsys):
    write_settings(shop.url)
    set_source_secret("Shopify", "access_token", ShopifyServer.TOKEN)
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    assert "Shopify: shopify, sales" in out and "last fetch: never" in out and "records held: 0" in out
    assert "Old export: file, sales" in out
    assert main(["sources", "fetch", "Shopify"]) == 0
    out, err = capsys.readouterr()
    assert "Shopify: 300 record(s) in 2 page(s)" in out
    assert "Shopify" in err  # tqdm's bar on stderr
    assert main(["sources", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["records"] == 300 and rows[0]["kind"] == "shopify" and rows[0]["last_error"] is None
    assert rows[0]["address"] == shop.url + "/" or rows[0]["address"].startswith(shop.url)
    assert rows[1] == {"name": "Old export", "domain": "sales", "kind": "file", "enabled": True,
                       "path": "/nowhere/orders.csv"}


def test_fetch_since_and_failures(shop, capsys):
    write_settings(shop.url)
    assert main(["sources", "fetch"]) == 3
    assert "FAILED Shopify: no Shopify access token" in capsys.readouterr().out
    set_source_secret("Shopify", "access_token", "shpat_wrong")
    assert main(["sources", "fetch", "Shopify", "--since", "2026-11-22"]) == 3
    assert "HTTP 401" in capsys.readouterr().out
    body = json.loads(shop.seen[-1].body)
    assert body["variables"]["query"] == "updated_at:>='2026-11-21T18:30:00Z'"
    assert main(["sources"]) == 3
    assert "last failure" in capsys.readouterr().out
    assert main(["sources", "fetch", "Nope"]) == 2


def test_connect_stores_the_token_and_shows_rows(shop, capsys, monkeypatch):
    write_settings(shop.url)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": ShopifyServer.TOKEN)
    assert main(["sources", "connect", "Shopify"]) == 0
    out = capsys.readouterr().out
    assert "reachable, authorised, one page read (250 record(s))" in out
    assert "as the report reads it:" in out and "#1000" in out
    assert get_source_secret("Shopify", "access_token") == ShopifyServer.TOKEN
    assert ShopifyServer.TOKEN not in out


def test_doctor_checks_each_live_source(shop, capsys):
    write_settings(shop.url)
    set_source_secret("Shopify", "access_token", ShopifyServer.TOKEN)
    main(["doctor"])
    out = capsys.readouterr().out
    assert "live source Shopify (shopify): ok — " in out and "one page read (250 record(s))" in out
    set_source_secret("Shopify", "access_token", "shpat_wrong")
    assert main(["doctor"]) == 3
    out = capsys.readouterr().out
    assert "live source Shopify (shopify): PROBLEM — Shopify refused the access token (HTTP 401)" in out
