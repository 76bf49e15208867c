"""Credentials in `[insights] base_url` reach no file the app writes, no output and no Telegram message
(issue 11, item 9). The endpoint is a closed port on 127.0.0.1, so the failure messages quote the URL."""

from __future__ import annotations

import datetime as dt
import socket

from desktop_app.cli import main
from desktop_app.delivery import send_pending
from desktop_app.paths import app_paths
from desktop_app.pipeline import run_report
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import load_settings
from tests.desktop_app.channels.fakes import SESSION, FakeClock, FakeTelegram

SECRETS = ("PASSW0RD-in-url", "KEY-in-query-9f3a", "TOKEN-in-fragment")
DAY = dt.date(2026, 11, 24)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_secret_from_base_url_reaches_a_file_an_output_or_telegram(tmp_path, app_home, capsys):
    paths = app_paths().ensure()
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Order ID,Amount\n2026-11-23,A1,1200\n2026-11-24,A2,3400\n2026-11-24,A3,600\n",
                     encoding="utf-8")
    url = (f"http://owner:{SECRETS[0]}@127.0.0.1:{closed_port()}/v1?api-key={SECRETS[1]}&x=1"
           f"#access_token={SECRETS[2]}")
    paths.settings_file.write_text(
        f'[insights]\nprovider = "custom"\nbase_url = "{url}"\nmodel = "m"\ntimeout_s = 2\n\n'
        f'[[sources]]\nname = "Sales"\ndomain = "sales"\npath = "{sales.as_posix()}"\n\n'
        '[telegram]\nenabled = true\naccount = "user"\ndestinations = ["me"]\n', encoding="utf-8")

    for argv in (["generate", "--no-send", "--date", DAY.isoformat()], ["doctor"], ["history", "--days", "400"],
                 ["generate", "--show-prompt", "--date", DAY.isoformat()], ["demo", "--no-send"]):
        main(argv)
    printed = capsys.readouterr()

    set_secret(Secret.TELEGRAM_API_ID, "12345")
    set_secret(Secret.TELEGRAM_API_HASH, "hash")
    set_secret(Secret.TELEGRAM_SESSION, SESSION)
    settings = load_settings(paths.settings_file)
    report = run_report(settings, paths, DAY, send=True)
    assert "cannot connect to http://***@127.0.0.1" in (report.engine_reason or "")  # the failure is still told
    fake = FakeTelegram()
    clock = FakeClock(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))  # run_report queued it at "now"
    assert send_pending(settings, paths, client_factory=fake, now=clock.now, sleep=clock.sleep).sent == 1

    outputs = {"stdout": printed.out, "stderr": printed.err, "telegram": "\n".join(s.text for s in fake.sent)}
    assert "api-key=***" in printed.out  # doctor shows the endpoint, redacted
    assert "base_url carries a password or key" in printed.out
    written = [path for path in app_home.rglob("*") if path.is_file() and path != paths.settings_file]
    assert any(path.name == "app.log" for path in written) and any(path.suffix == ".sqlite3" for path in written)
    for secret in SECRETS:
        for name, text in outputs.items():
            assert secret not in text, f"{secret} in {name}"
        for path in written:
            assert secret.encode() not in path.read_bytes(), f"{secret} in {path}"
