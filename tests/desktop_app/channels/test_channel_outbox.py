"""The outbox's promises across channels: one row per channel in the report's transaction, a kill mid-send
leaves at most one possible duplicate (marked), a failure only the owner can fix is noted on the other
channels until it is fixed, and no secret reaches a file the app writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from telethon import errors

from desktop_app import cli
from desktop_app.channels.registry import delivery_targets
from desktop_app.delivery import POSSIBLE_DUPLICATE_NOTE, send_pending
from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import Settings, save_settings

from ..outbox_helpers import SIX_PM, make_report, paths, queue, signed_in
from .fakes import SESSION, FakeTelegram
from .servers import PASSWORD, USER, HttpServer, SmtpBehaviour, SmtpServer, graph_ok

NOW = SIX_PM + dt.timedelta(minutes=1)
HOOK = "/services/T0123ABCD/B0456EFGH/xXyYzZsecretwebhooktoken"
WA_TOKEN = "EAAGm0PX4ZCpsBAtestaccesstokenfromthetest"
CHILD = Path(__file__).with_name("channel_crash_child.py")
REPO = Path(__file__).resolve().parents[3]


def all_channels(slack: HttpServer, graph: HttpServer, smtp: SmtpServer | None = None) -> Settings:
    settings = Settings()
    settings.telegram.enabled, settings.telegram.destinations = True, ["@owner_ramesh"]
    settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
    set_secret(Secret.SLACK_WEBHOOK_URL, slack.url + HOOK)
    whatsapp = settings.whatsapp
    whatsapp.enabled, whatsapp.phone_number_id, whatsapp.recipients = True, "106540352242922", ["+919812345678"]
    whatsapp.api_base, whatsapp.full_report = graph.url + "/v21.0", False
    set_secret(Secret.WHATSAPP_TOKEN, WA_TOKEN)
    if smtp is not None:
        email = settings.email
        email.enabled, email.smtp_host, email.smtp_port, email.username = True, "127.0.0.1", smtp.port, USER
        email.recipients, email.ca_file = ["owner@shreeganesh.example"], str(smtp.ca_file)
        set_secret(Secret.EMAIL_PASSWORD, PASSWORD)
    return settings


def test_a_report_to_several_channels_is_one_row_each_written_with_the_report_or_not_at_all():
    settings = Settings()
    settings.telegram.enabled, settings.telegram.destinations = True, ["@owner_ramesh", "-1001234567890"]
    settings.email.enabled, settings.email.recipients = True, ["a@example.com", "b@example.com"]
    settings.slack.enabled = True
    settings.whatsapp.enabled, settings.whatsapp.recipients = True, ["+919812345678"]
    targets = delivery_targets(settings)
    assert targets == [("telegram", "@owner_ramesh"), ("telegram", "-1001234567890"),
                       ("email", "a@example.com, b@example.com"), ("slack", "webhook"), ("whatsapp", "+919812345678")]
    report = make_report()
    store = HistoryStore(paths().history_db)
    outbox = Outbox(store.path)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        revision = store.save_in(conn, report)
        outbox.enqueue_in(conn, report, revision, targets)
        raise RuntimeError("the app died before the commit")
    assert Outbox(store.path).deliveries() == [] and store.get(report.date) is None
    ids = queue(report, targets)
    rows = [Outbox(store.path).get(row) for row in ids]
    assert [row.channel for row in rows] == ["telegram", "telegram", "email", "slack", "whatsapp"]
    assert rows[0].text == report.html and rows[2].text == report.text  # each channel's own starting form


def test_a_failure_only_the_owner_can_fix_is_noted_on_the_other_channels_until_it_is_fixed():
    signed_in()
    with HttpServer([(200, {}, "ok")]) as slack, HttpServer([graph_ok("919812345678")]) as graph:
        settings = all_channels(slack, graph)
        queue(make_report(), delivery_targets(settings))
        revoked = FakeTelegram(send_script=[errors.AuthKeyUnregisteredError(request=None)])
        result = send_pending(settings, paths(), client_factory=revoked, now=NOW)
        assert result.channels["telegram"].failed == 1
        assert (result.channels["slack"].sent, result.channels["whatsapp"].sent) == (1, 1)
        context = [block for block in slack.requests[0].json()["blocks"] if block["type"] == "context"]
        note = context[0]["elements"][0]["text"]
        assert note.startswith("Telegram could not deliver: signed out — sign in again")
        template = graph.requests[0].json()["template"]["components"][0]["parameters"]
        assert template[6]["text"].startswith("Telegram could not deliver:")
        outbox = Outbox(paths().history_db)
        assert list(outbox.owner_problems()) == ["telegram"]

        # The owner signs in again; the failed report goes out, and the next day's messages carry no note.
        outbox.requeue_auth_failures(now=NOW)
        fixed = FakeTelegram(new_session=SESSION)
        assert send_pending(settings, paths(), client_factory=fixed, now=NOW).channels["telegram"].sent == 1
        assert outbox.owner_problems() == {}
        queue(make_report(day=SIX_PM.date() + dt.timedelta(days=1),
                          generated_at=SIX_PM + dt.timedelta(days=1)), delivery_targets(settings))
        send_pending(settings, paths(), client_factory=fixed, now=NOW + dt.timedelta(days=1))
    assert not [block for block in slack.requests[1].json()["blocks"] if block["type"] == "context"]
    assert "could not deliver" not in fixed.sent[-1].text


def test_a_channel_switched_off_after_queueing_keeps_its_reports_waiting_with_a_reason():
    with HttpServer([(200, {}, "ok")]) as slack, HttpServer([graph_ok("919812345678")]) as graph:
        settings = all_channels(slack, graph)
        settings.telegram.enabled = False
        ids = queue(make_report(), delivery_targets(settings))
        settings.slack.enabled = False
        result = send_pending(settings, paths(), now=NOW)
    outbox = Outbox(paths().history_db)
    slack_row = next(outbox.get(row) for row in ids if outbox.get(row).channel == "slack")
    assert slack_row.status == "pending" and "Slack delivery is off" in slack_row.last_error
    assert result.channels["whatsapp"].sent == 1 and not slack.requests
    assert outbox.owner_problems() == {}  # switched off on purpose: nothing to nag about on the other channels


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_while_slack_holds_its_answer_then_restarted_sends_that_one_again_marked(app_home):
    computed = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # the child runs on the real clock
    days = [computed.date() - dt.timedelta(days=offset) for offset in (2, 1, 0)]
    arrived, release = threading.Event(), threading.Event()

    def hold_the_second(request) -> None:
        if len(server.requests) == 2 and not release.is_set():
            arrived.set()
            release.wait(60)

    with HttpServer([(200, {}, "ok")], before_reply=hold_the_second) as server:
        settings = Settings()
        settings.slack.enabled, settings.slack.channel_label = True, "#daily-numbers"
        save_settings(settings, paths().settings_file)
        ids = [queue(make_report(day=day, generated_at=computed), delivery_targets(settings))[0] for day in days]
        env = dict(os.environ, BUSINESS_ORCHESTRATOR_HOME=str(app_home), BO_SLACK_WEBHOOK_URL=server.url + HOOK,
                   PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        crashing = subprocess.Popen([sys.executable, str(CHILD)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        assert arrived.wait(60), crashing.stderr.read() if crashing.poll() is not None else "no second request"
        os.kill(crashing.pid, signal.SIGKILL)
        assert crashing.wait(timeout=60) == -signal.SIGKILL
        crashing.stdout.close()
        crashing.stderr.close()
        release.set()
        outbox = Outbox(paths().history_db)
        assert [outbox.get(row).status for row in ids] == ["sent", "sending", "pending"]
        restarted = subprocess.run([sys.executable, str(CHILD)], cwd=REPO, env=env, capture_output=True, text=True,
                                   timeout=120)
    assert restarted.returncode == 0, restarted.stderr
    assert "sent=2 failed=0" in restarted.stdout
    headers = [request.json()["blocks"][0]["text"]["text"] for request in server.requests]
    labels = [f"{day:%a} {day.day} {day:%b %Y}" for day in days]
    assert [sum(label in header for header in headers) for label in labels] == [1, 2, 1]
    duplicates = [request for request in server.requests if POSSIBLE_DUPLICATE_NOTE in request.body.decode()]
    assert len(duplicates) == 1 and labels[1] in duplicates[0].json()["blocks"][0]["text"]["text"]
    assert [outbox.get(row).possible_duplicate for row in ids] == [False, True, False]
    assert [outbox.get(row).status for row in ids] == ["sent", "sent", "sent"]


def test_secrets_reach_no_file_the_app_writes(tmp_path, app_home, capsys):
    with HttpServer([(200, {}, "ok")]) as slack, HttpServer([graph_ok("919812345678")]) as graph, \
            SmtpServer(tmp_path) as smtp:
        settings = all_channels(slack, graph, smtp)
        settings.telegram.enabled = False
        save_settings(settings, paths().settings_file)
        queue(make_report(), delivery_targets(settings))
        assert cli.main(["send-pending"]) == 0
        sent_out = capsys.readouterr()
        assert cli.main(["outbox", "--json"]) == 0
        outbox_out = capsys.readouterr()
        assert cli.main(["channels", "--json"]) == 0
        channels_out = capsys.readouterr()
    assert len(smtp.received) == 1 and len(slack.requests) == 1 and len(graph.requests) == 1
    secrets = [PASSWORD, WA_TOKEN, "xXyYzZsecretwebhooktoken"]
    written = [path for path in app_home.rglob("*") if path.is_file()]
    assert any("history" in path.name for path in written), written
    for path in written:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{secret[:6]}… found in {path}"
    for captured in (sent_out, outbox_out, channels_out):
        for secret in secrets:
            assert secret not in captured.out and secret not in captured.err
    rows = json.loads(outbox_out.out)
    assert {row["channel"] for row in rows} == {"email", "slack", "whatsapp"}
    assert all(row["status"] == "sent" and row["text"] for row in rows)
    channels = {item["name"]: item for item in json.loads(channels_out.out)}
    assert channels["slack"]["ready"] and not channels["telegram"]["enabled"]


def test_a_channel_not_set_up_waits_without_being_retried_in_a_loop_until_the_owner_acts():
    settings = Settings()
    settings.slack.enabled = True  # no webhook stored
    (row,) = queue(make_report(), delivery_targets(settings))
    outbox = Outbox(paths().history_db)
    result = send_pending(settings, paths(), now=NOW)
    assert result.retry_later == 1 and "no webhook URL is stored" in outbox.get(row).last_error
    assert outbox.due(NOW) == []  # the tray sends whatever is due: nothing to spin on
    assert outbox.owner_problems()["slack"][1] == "credentials"
    with HttpServer([(200, {}, "ok")]) as slack:
        set_secret(Secret.SLACK_WEBHOOK_URL, slack.url + HOOK)
        assert outbox.wake(now=NOW) == 1  # settings saved, or `send-pending` asked for
        assert send_pending(settings, paths(), now=NOW).sent == 1
    assert outbox.get(row).status == "sent" and outbox.owner_problems() == {}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_while_the_mail_server_holds_its_answer_the_email_is_sent_once_more_marked(app_home, tmp_path):
    computed = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # the child runs on the real clock
    release = threading.Event()
    with SmtpServer(tmp_path, behaviour=SmtpBehaviour(hold=release)) as smtp:
        settings = Settings()
        email = settings.email
        email.enabled, email.smtp_host, email.smtp_port, email.username = True, "127.0.0.1", smtp.port, USER
        email.recipients, email.ca_file = ["owner@shreeganesh.example"], str(smtp.ca_file)
        save_settings(settings, paths().settings_file)
        (row,) = queue(make_report(day=computed.date(), generated_at=computed), delivery_targets(settings))
        env = dict(os.environ, BUSINESS_ORCHESTRATOR_HOME=str(app_home), BO_EMAIL_PASSWORD=PASSWORD,
                   PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        crashing = subprocess.Popen([sys.executable, str(CHILD)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        assert smtp.behaviour.arrived.wait(60), "the message never reached the server"
        os.kill(crashing.pid, signal.SIGKILL)
        assert crashing.wait(timeout=60) == -signal.SIGKILL
        crashing.stdout.close()
        crashing.stderr.close()
        release.set()
        outbox = Outbox(paths().history_db)
        assert outbox.get(row).status == "sending"
        restarted = subprocess.run([sys.executable, str(CHILD)], cwd=REPO, env=env, capture_output=True, text=True,
                                   timeout=120)
    assert restarted.returncode == 0, restarted.stderr
    assert len(smtp.received) == 2  # the interrupted one (it had arrived) and exactly one more
    texts = [mail.message.get_body(("plain",)).get_content() for mail in smtp.received]
    assert POSSIBLE_DUPLICATE_NOTE not in texts[0] and POSSIBLE_DUPLICATE_NOTE in texts[1]
    assert outbox.get(row).status == "sent" and outbox.get(row).possible_duplicate


def test_a_source_with_nothing_for_the_day_is_a_dash_on_every_channel_never_zero():
    from desktop_app.channels.email_html import report_html
    from desktop_app.channels.slack import report_blocks
    from desktop_app.channels.whatsapp import template_params
    from desktop_app.report import SourceStatus

    report = make_report(total=0)
    report.sales.orders, report.sales.avg_order = 0, None
    report.sources = [SourceStatus(name="orders.csv", domain="sales", path="orders.csv", status="ok",
                                   first_date="2026-06-01", last_date="2026-08-31")]
    html = report_html(report, [])
    assert "₹0" not in html and "no data for this day — newest row 31 Aug 2026" in html
    assert "partial: see warnings" in html
    fields = next(block["fields"] for block in report_blocks(report, []) if block.get("fields"))
    assert fields[0]["text"].startswith("*Sales*\n–\n_no data for this day")
    params = template_params(report, [])
    assert params[2] == "no data (see the report)" and "₹0" not in " ".join(params)
