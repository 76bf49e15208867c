"""settings.toml for live sources: kind defaults to file, service fields round-trip, secrets refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.settings import Settings, SettingsError, SourceSettings, parse_settings, render_settings

OLD_FILE = '[[sources]]\nname = "Orders"\ndomain = "sales"\npath = "C:/Exports/orders.csv"\nformat = "shopify"\n'


def test_an_existing_file_source_keeps_working_unchanged():
    settings = parse_settings(OLD_FILE, Path("settings.toml"))
    source = settings.sources[0]
    assert source.kind == "file" and source.path == "C:/Exports/orders.csv"
    spec = settings.specs()[0]
    assert spec.kind == "file" and not spec.is_service and spec.service == {}
    rendered = render_settings(settings)
    assert "kind" not in rendered.split("[[sources]]")[-1]  # a file source is written as before
    assert parse_settings(rendered, Path("s.toml")).sources == settings.sources


def test_a_live_source_round_trips_with_the_business_time_zone():
    source = SourceSettings(name="Woo", domain="sales", kind="woocommerce", url="https://shop.example.com",
                            backfill_days=30, service={"api_version": "wc/v3"})
    settings = Settings(sources=[source])
    text = render_settings(settings)
    again = parse_settings(text, Path("s.toml"))
    assert again.sources == [source]
    spec = again.specs()[0]
    assert spec.is_service and spec.kind == "woocommerce"
    assert spec.service == {"api_version": "wc/v3", "url": "https://shop.example.com", "backfill_days": 30,
                            "overlap_days": 3, "timezone": "Asia/Kolkata"}


@pytest.mark.parametrize(("toml", "words"), [
    ('[[sources]]\nname = "S"\ndomain = "sales"\nkind = "shopify"\n', "needs url"),
    ('[[sources]]\nname = "S"\ndomain = "sales"\n', "the path is empty"),
    ('[[sources]]\nname = "S"\ndomain = "sales"\nkind = "shopify"\nurl = "x.myshopify.com"\n'
     '[sources.service]\naccess_token = "shpat_1"\n', "secrets are kept in the OS keyring"),
    ('[[sources]]\nname = "S"\ndomain = "sales"\nkind = "shopify"\nurl = "x"\naccess_token = "shpat_1"\n',
     "secrets are kept in the OS keyring"),
    ('[[sources]]\nname = "S"\ndomain = "sales"\nkind = "Shop ify"\nurl = "x"\n', "is not a source kind"),
])
def test_bad_live_settings_are_sentences(toml, words):
    with pytest.raises(SettingsError, match=words):
        parse_settings(toml, Path("settings.toml"))
