"""The message ends by saying how its insights were checked, or why the rules wrote them."""

from __future__ import annotations

from tests.llm_server import Reply

from .conftest import ai_settings, run

GOOD = ["Sales were ₹5,501 from 3 orders, an average order of ₹1,834.",
        "IndiaMART brought 2 of the 3 new leads (66.7%).",
        "Attendance was 75% with 1 of 4 staff absent."]


def test_ai_insights_end_with_the_count_of_numbers_checked(llm_server, seed_files):
    llm_server.reply(Reply.json_insights(GOOD))
    report = run(ai_settings(llm_server), seed_files)
    assert report.engine == "ai"
    # 5501, 3, 1834 · 2, 3, 66.7% · 75%, 1, 4
    assert report.numbers_checked == 9
    assert report.text.endswith("✓ 9 numbers checked against your data")
    assert report.html.endswith("<i>✓ 9 numbers checked against your data</i>")
    assert report.to_dict()["numbers_checked"] == 9


def test_rule_insights_say_so_and_why(seed_files):
    from desktop_app.settings import Settings

    report = run(Settings(), seed_files)
    assert report.engine == "rules" and report.numbers_checked == 0
    assert report.text.endswith("Insights written by the rules: no LLM configured")
