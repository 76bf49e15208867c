"""`channels`, `channels test NAME` and `generate` over every channel, through the CLI's main()."""

from __future__ import annotations

import json

from desktop_app import cli
from desktop_app.paths import app_paths
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import Settings, save_settings

from .channels.servers import HttpServer

HOOK = "/services/T0123ABCD/B0456EFGH/xXyYzZsecretwebhooktoken"


def save(settings: Settings) -> None:
    save_settings(settings, app_paths().ensure().settings_file)


def test_channels_lists_each_channel_and_what_is_missing(capsys):
    settings = Settings()
    settings.email.enabled, settings.email.recipients = True, ["owner@example.com"]
    save(settings)
    assert cli.main(["channels"]) == cli.EXIT_PARTIAL
    out = capsys.readouterr().out
    assert "Telegram  off" in out and "Slack     off" in out
    assert "Email     PROBLEM  → owner@example.com" in out
    assert "no mail server is set" in out
    assert cli.main(["channels", "--json"]) == cli.EXIT_OK
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert list(rows) == ["telegram", "email", "slack", "whatsapp"]
    assert rows["email"]["enabled"] and not rows["email"]["ready"]
    assert rows["email"]["targets"] == ["owner@example.com"]


def test_channels_test_sends_and_sets_the_exit_code(capsys):
    settings = Settings()
    settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
    save(settings)
    with HttpServer([(200, {}, "ok"), (403, {}, "invalid_token")]) as server:
        set_secret(Secret.SLACK_WEBHOOK_URL, server.url + HOOK)
        assert cli.main(["channels", "test", "slack"]) == cli.EXIT_OK
        assert "Slack: test message posted to #daily-numbers" in capsys.readouterr().out
        assert cli.main(["channels", "test", "slack"]) == cli.EXIT_PARTIAL
        out = capsys.readouterr().out
    assert "revoked" in out and "secretwebhooktoken" not in out


def test_generate_sends_to_every_channel_that_is_on(capsys, tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Order ID,Amount\n2026-11-24,A1,1200\n2026-11-24,A2,800\n", encoding="utf-8")
    settings = Settings()
    settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
    save(settings)
    with HttpServer([(200, {}, "ok")]) as server:
        set_secret(Secret.SLACK_WEBHOOK_URL, server.url + HOOK)
        code = cli.main(["generate", "--date", "2026-11-24", "--offline", "--source", f"sales={sales}"])
        captured = capsys.readouterr()
    assert code in (cli.EXIT_OK, cli.EXIT_PARTIAL)  # leads and attendance are not configured: partial
    assert "Slack: 1 sent, 0 failed, 0 to retry later" in captured.err
    assert len(server.requests) == 1 and "₹2,000" in server.requests[0].body.decode()
    assert cli.main(["outbox", "--json"]) == cli.EXIT_OK
    (row,) = json.loads(capsys.readouterr().out)
    assert row["channel"] == "slack" and row["status"] == "sent" and "₹2,000" in row["text"]
    assert cli.main(["outbox", "--show", str(row["id"])]) == cli.EXIT_OK
    assert capsys.readouterr().out.startswith(f"#{row['id']} slack → #daily-numbers: sent\nDaily Business Summary")
