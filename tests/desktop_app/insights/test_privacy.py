"""Nothing private leaves the PC: names, phones, emails, addresses and order ids stay out of every request."""

from __future__ import annotations

import json

from desktop_app.paths import app_paths
from tests.llm_server import Reply

from .conftest import DAY, ai_settings, run, touch

PRIVATE = [
    "Zubin Quasimodo", "zubin.q@example.com", "+91 98765 43210", "9876543210", "14 Ashram Road", "Navrangpura",
    "INV-77331", "Yamini Xalxo", "yamini@example.org", "+91 91234 56789", "Walkeshwar Flat 7B", "Harshad Oza",
    "+91 99000 11122", "EMP-4412", "LEAD-90817",
]


def write_private_sources(tmp_path):
    day = DAY.strftime("%d/%m/%Y")
    prev = "23/11/2026"
    sales = tmp_path / "orders.csv"
    sales.write_text(
        "Invoice No,Invoice Date,Customer,Email,Phone,Address,Amount,Status\n"
        f"INV-77331,{day} 11:00,Zubin Quasimodo,zubin.q@example.com,+91 98765 43210,\"14 Ashram Road, Navrangpura\","
        "\"₹12,400\",Paid\n"
        f"INV-77332,{day} 12:00,Yamini Xalxo,yamini@example.org,9876543210,Walkeshwar Flat 7B,\"₹3,100\",Paid\n"
        f"INV-77301,{prev} 12:00,Zubin Quasimodo,zubin.q@example.com,+91 98765 43210,14 Ashram Road,\"₹9,000\",Paid\n",
        encoding="utf-8")
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "Lead Id,Lead Date,Name,Email,Phone,Address,Lead Source\n"
        f"LEAD-90817,{day} 10:00,Yamini Xalxo,yamini@example.org,+91 91234 56789,Walkeshwar Flat 7B,IndiaMART\n"
        f"LEAD-90818,{day} 11:00,Zubin Quasimodo,zubin.q@example.com,9876543210,14 Ashram Road,Website\n"
        f"LEAD-90800,{prev} 11:00,Harshad Oza,h@example.com,+91 99000 11122,Navrangpura,Website\n",
        encoding="utf-8")
    attendance = tmp_path / "register.csv"
    attendance.write_text(
        "Date,Employee,Emp Id,Phone,Status\n"
        f"{day},Harshad Oza,EMP-4412,+91 99000 11122,P\n"
        f"{day},Yamini Xalxo,EMP-4413,+91 91234 56789,A\n"
        f"{prev},Harshad Oza,EMP-4412,+91 99000 11122,P\n"
        f"{prev},Yamini Xalxo,EMP-4413,+91 91234 56789,P\n",
        encoding="utf-8")
    return {"sales": touch(sales), "leads": touch(leads), "attendance": touch(attendance)}


def test_no_name_phone_email_address_or_id_reaches_the_server(llm_server, tmp_path):
    files = write_private_sources(tmp_path)
    llm_server.default = Reply.json_insights(["Sales were ₹15,500 from 2 orders.", "2 new leads came in."])
    report = run(ai_settings(llm_server), files)
    # the report itself is real: every domain read, so the private columns really were in play
    assert report.sales.total == 15500 and report.leads.count == 2 and report.attendance.present == 1
    assert report.engine == "ai", report.engine_reason
    assert llm_server.completions, "the server was called"
    for request in llm_server.requests:
        sent = request.body.decode("utf-8")
        decoded = json.dumps(json.loads(sent), ensure_ascii=False) if sent else ""
        for secret in PRIVATE:
            assert secret not in sent and secret not in decoded, f"{secret!r} left the PC in {request.path}"
        assert "example.com" not in decoded and "@" not in decoded
        assert str(tmp_path) not in decoded  # file paths name people's folders too


def test_the_api_key_goes_only_in_the_authorization_header(llm_server, seed_files, memory_keyring):
    from desktop_app.secrets import Secret, set_secret

    set_secret(Secret.LLM_API_KEY, "sk-test-very-secret")
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%."])
    report = run(ai_settings(llm_server), seed_files)
    request = llm_server.completions[0]
    assert request.headers["authorization"] == "Bearer sk-test-very-secret"
    assert b"sk-test-very-secret" not in request.body
    assert "sk-test-very-secret" not in json.dumps(report.to_dict())
    for log_file in app_paths().logs.glob("*"):
        assert "sk-test-very-secret" not in log_file.read_text(encoding="utf-8", errors="replace")


def test_the_environment_key_wins_over_the_keyring(llm_server, seed_files, monkeypatch):
    from desktop_app.secrets import Secret, set_secret

    set_secret(Secret.LLM_API_KEY, "sk-from-keyring")
    monkeypatch.setenv("BO_LLM_API_KEY", "sk-from-env")
    run(ai_settings(llm_server), seed_files)
    assert llm_server.completions[0].headers["authorization"] == "Bearer sk-from-env"


def test_a_broken_keyring_does_not_break_the_report(llm_server, seed_files):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())  # the memory_keyring fixture restores the previous one
    llm_server.default = Reply.json_insights(["Sales were ₹5,501 from 3 orders.", "Attendance was 75%."])
    report = run(ai_settings(llm_server), seed_files)
    assert report.engine == "ai"
    assert llm_server.completions[0].headers["authorization"] == "Bearer not-needed"  # local server: placeholder
