from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.paths import app_paths
from desktop_app.settings import Settings, SettingsError, SourceSettings, load_settings, save_settings


def test_first_run_writes_a_commented_file_that_reads_back(app_home):
    path = app_paths().settings_file
    settings = load_settings(path)
    text = path.read_text(encoding="utf-8")
    assert str(app_home) in str(path)
    assert "# Business name shown in the report header." in text
    assert "[[sources]]" in text  # the commented example
    assert settings == Settings()
    assert load_settings(path) == settings


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[business]\ncurrency = "RUPEES"\n', "key 'business.currency': 'RUPEES' is not an ISO currency code"),
        ('[business]\nlocale = "de_DE"\n',
         "key 'business.locale': 'de_DE' is not an offered number format; use one of en_IN, hi_IN, gu_IN"),
        ('[business]\ntimezone = "India/Ahmedabad"\n', "key 'business.timezone': 'India/Ahmedabad' is not a time zone"),
        ('[schedule]\ntime = "7pm"\n', "key 'schedule.time': '7pm' is not a time like 19:00"),
        ('[[sources]]\nname = "x"\ndomain = "sale"\npath = "a.csv"\n', "key 'sources[0].domain'"),
        ('[business]\nopen_weekdays = ["mon", "funday"]\n', "unknown weekday 'fun'"),
        ('[telegram_bot]\ntoken = "123:abc"\n', "key 'telegram_bot': unknown key (secrets are kept in the OS keyring"),
        ("[business\nname = 1\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_file_key_and_problem(tmp_path, toml, expected):
    path = tmp_path / "settings.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_settings(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_save_round_trips_sources_and_keeps_a_backup(tmp_path):
    path = tmp_path / "settings.toml"
    settings = Settings()
    settings.business.holidays = [dt.date(2026, 11, 8)]
    settings.sources.append(SourceSettings(
        name="Shop", domain="sales", path="C:/exports/orders.csv",
        columns={"order_id": "InvoiceNo", "quantity": "Qty"}, options={"date_format": "%d/%m/%Y"},
    ))
    path.write_text("# my own notes\n", encoding="utf-8")
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert path.with_suffix(".toml.bak").read_text(encoding="utf-8") == "# my own notes\n"


def test_previous_open_day_skips_closed_days_and_holidays():
    settings = Settings()
    settings.business.holidays = [dt.date(2026, 11, 21)]
    # Monday 23 Nov: Sunday is closed, Saturday a holiday -> Friday 20 Nov
    assert settings.business.previous_open_day(dt.date(2026, 11, 23)) == dt.date(2026, 11, 20)
