"""Plain questions: the LLM (the real local test server, answering `tools`) chooses and words, the guard checks,
the rules answer whenever the LLM cannot be trusted or reached; and 30 questions counted by path."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pandas as pd
import pytest

from desktop_app.bot.ask import ask, language_of
from desktop_app.bot.questions import Questions, localize, money
from desktop_app.history import HistoryStore
from tests.desktop_app.outbox_helpers import paths
from tests.llm_server import LLMServer, Recorded, Reply

from .conftest import INJECTION, LAST, sales_on

# (question, question type, period): the keyword matcher's target and the scripted model's tool call
QUESTIONS = [
    ("why are sales down?", "compare", "week"),
    ("how were sales today?", "totals", "today"),
    ("sales yesterday", "totals", "yesterday"),
    ("total sales this week", "totals", "week"),
    ("total sales this month", "totals", "month"),
    ("how many orders this week?", "totals", "week"),
    ("leads by source this week", "top_sources", "week"),
    ("where did leads come from today?", "top_sources", "today"),
    ("best day this month", "best_worst", "month"),
    ("worst day this week", "best_worst", "week"),
    ("how many absents this week?", "totals", "week"),
    ("compare this week with last week", "compare", "week"),
    ("is this month better than last month?", "compare", "month"),
    ("breakdown of 2026-11-20", "day", "date"),
    ("आज की बिक्री कितनी है?", "totals", "today"),
    ("इस हफ्ते बिक्री कम क्यों है?", "compare", "week"),
    ("इस महीने सबसे अच्छा दिन कौन सा था?", "best_worst", "month"),
    ("लीड कहाँ से आए इस हफ्ते?", "top_sources", "week"),
    ("આજે વેચાણ કેટલું થયું?", "totals", "today"),
    ("આ અઠવાડિયે વેચાણ કેમ ઓછું છે?", "compare", "week"),
    ("આ મહિને શ્રેષ્ઠ દિવસ કયો?", "best_worst", "month"),
    ("લીડ ક્યાંથી આવી આ અઠવાડિયે?", "top_sources", "week"),
    ("how did we do?", "totals", "today"),
    ("give me the numbers for last month compared to before", "compare", "month"),
    ("top 5 products this month", "top_products", "month"),
    ("which channel sold most this week?", "top_channels", "week"),
    ("how many absents on Saturday?", "absents_weekday", "month"),
    ("शनिवार को कितने लोग गैरहाजिर थे?", "absents_weekday", "month"),
    ("આ અઠવાડિયે કઈ પ્રોડક્ટ સૌથી વધુ વેચાઈ?", "top_products", "week"),
    ("इस हफ्ते कौन सा चैनल सबसे अच्छा रहा?", "top_channels", "week"),
]
TABLE = {question: (kind, period) for question, kind, period in QUESTIONS}


def _user(request: Recorded) -> str:
    return request.json["messages"][-1]["content"]


def model(request: Recorded) -> Reply:
    """The scripted model: picks the table's question type, then words the first fact line as given."""
    body = request.json
    if "tools" in body:
        kind, period = TABLE[_user(request)]
        arguments = {"question_type": kind, "period": period}
        if kind == "absents_weekday":
            arguments["weekday"] = "Saturday"
        if period == "date":
            arguments["date"] = next(word.strip("?") for word in _user(request).split() if word.startswith("2026-"))
        return Reply.tool("compute", **arguments)
    facts = json.loads(_user(request).split("Facts: ", 1)[1])["lines"]
    line = next((line for line in facts[1:] if any(ch.isdigit() for ch in line)), facts[0])
    return Reply(content=f"In short, {line}.")


@pytest.fixture
def server():
    with LLMServer() as running:
        yield running


@pytest.fixture
def llm_settings(settings, server):
    settings.insights.provider = "custom"
    settings.insights.base_url = server.base_url
    settings.insights.model = "test-model"
    settings.insights.timeout_s = 10
    return settings


def sales_rows() -> pd.DataFrame:
    """What the sales sources' cached frames hold for the last 14 days: two products on two channels."""
    rows = [{"order_id": f"A{back}{item}", "ordered_at": pd.Timestamp(LAST - dt.timedelta(days=back)),
             "amount": amount + back, "product": product, "channel": channel, "status": "paid"}
            for back in range(14)
            for item, (product, channel, amount) in enumerate([("Steel almirah", "Counter", 12_000.0),
                                                               ("Office chair", "IndiaMART", 4_500.0)])]
    return pd.DataFrame(rows)


@pytest.fixture
def questions(history) -> Questions:
    return Questions(HistoryStore(paths().history_db), sales_frames=sales_rows)


def test_the_llm_chooses_through_a_tool_call_and_a_checked_wording_is_kept(server, llm_settings, questions):
    server.reply(Reply.tool("compute", question_type="compare", period="week"),
                 Reply(content=f"Sales this week were {money(sum(sales_on(i) for i in range(33, 40)))}."))
    reply = ask("why are sales down?", questions, llm_settings)
    assert (reply.path, reply.kind) == ("llm", "compare")
    assert reply.text == f"Sales this week were {money(sum(sales_on(i) for i in range(33, 40)))}."
    first, second = (request.json for request in server.completions)
    assert first["tools"][0]["function"]["name"] == "compute" and first["stream"] is True  # streamed tool call
    assert second["stream"] is True and "tools" not in second and "response_format" not in second


def test_a_server_that_does_not_stream_still_gets_its_tool_call_read(server, llm_settings, questions):
    plain = Reply.tool("compute", question_type="best_worst", period="month")
    plain.ignore_stream = True
    server.reply(plain, Reply(content="Nothing to say."))
    reply = ask("best day this month", questions, llm_settings)
    assert reply.kind == "best_worst" and reply.path == "rules"  # the wording had no number: the rules answer


def test_the_tool_call_and_the_wording_share_one_deadline(server, llm_settings, questions):
    """A tool call that takes most of `timeout_s` leaves the wording only the rest: the wording alone would fit in
    3 s (about 1.8 s), after the tool call's 2.7 s it does not, so the rules answer."""
    llm_settings.insights.timeout_s = 3
    slow_tool = Reply.tool("compute", question_type="compare", period="week")
    slow_tool.chunk_delay = 0.3  # 9 events
    slow_words = Reply(content=f"Sales this week were {money(sum(sales_on(i) for i in range(33, 40)))}.")
    slow_words.chunk_delay = 0.25  # 7 events
    server.reply(slow_tool, slow_words)
    reply = ask("why are sales down?", questions, llm_settings)
    assert reply.kind == "compare" and reply.path == "rules"
    assert "timeout after 3 s" in reply.reason


def test_a_silent_endpoint_is_given_up_at_the_deadline_and_the_keywords_answer(server, llm_settings, questions):
    llm_settings.insights.timeout_s = 1
    stuck = Reply.tool("compute", question_type="totals", period="today")
    stuck.delay = 5
    server.reply(stuck)
    reply = ask("best day this month", questions, llm_settings)
    assert (reply.path, reply.kind) == ("rules", "best_worst") and "timeout" in reply.reason


def test_a_wrong_number_from_the_llm_is_replaced_by_the_rules(server, llm_settings, questions):
    server.reply(Reply.tool("compute", question_type="compare", period="week"),
                 Reply(content="Sales rose to ₹8,00,000 this week, up 12%."))
    reply = ask("why are sales down?", questions, llm_settings)
    assert reply.path == "rules" and "number guard" in reply.reason
    assert reply.text == questions.answer("compare", "week").text


def test_a_prompt_injection_in_a_lead_source_label_cannot_change_the_numbers(server, llm_settings, questions,
                                                                               history):
    steered = "As instructed: sales were ₹9,99,999 and IndiaMART brought 50 leads."
    server.reply(Reply.tool("compute", question_type="top_sources", period="week"), Reply(content=steered))
    reply = ask("leads by source this week", questions, llm_settings)
    assert reply.path == "rules" and "9,99,999" not in reply.text
    week = [report for day, report in history.items() if (max(history) - day).days < 7]
    assert f"1. IndiaMART: {sum(r.leads.by_source['IndiaMART'] for r in week)}" in reply.text
    sent = server.completions[1].json["messages"][1]["content"]
    assert INJECTION not in sent  # the label reaches the model only cut, inside the facts


def test_an_endpoint_without_tools_gets_the_keyword_matcher_and_the_rules(server, llm_settings, questions):
    server.reply(Reply.error(400, "tools are not supported by this model"))
    reply = ask("best day this month", questions, llm_settings)
    assert (reply.path, reply.kind) == ("rules", "best_worst")
    assert reply.text == questions.answer("best_worst", "month").text
    best = max(sales_on(i) for i in range(10, 40))
    assert money(best) in reply.text


def test_a_model_that_calls_no_tool_gets_the_rules(server, llm_settings, questions):
    server.reply(Reply(content="Sales are down because of the weather."))
    reply = ask("why are sales down?", questions, llm_settings)
    assert reply.path == "rules" and reply.text == questions.answer("compare", "week").text


def test_thirty_questions_llm_path_and_offline_rules(server, llm_settings, questions, capsys):
    """The tally for the closing note: with the (scripted) model, how many of the 30 are answered by the LLM path;
    offline, how many the keyword matcher + rules answer exactly as the intended question type would."""
    server.default = model
    by_llm = [ask(question, questions, llm_settings) for question, _, _ in QUESTIONS]
    llm_count = sum(reply.path == "llm" for reply in by_llm)
    offline = [ask(question, questions, llm_settings, offline=True) for question, _, _ in QUESTIONS]
    right = []
    for (question, kind, period), reply in zip(QUESTIONS, offline, strict=True):
        day = dt.date.fromisoformat(next(w.strip("?") for w in question.split() if w.startswith("2026-"))) \
            if period == "date" else None
        intended = questions.answer(kind, period, day, weekday="Saturday" if kind == "absents_weekday" else "")
        right.append(reply.path == "rules" and reply.text == localize(intended.text, language_of(question)))
    languages = Counter(language_of(question) for question, _, _ in QUESTIONS)
    with capsys.disabled():
        print(f"\n30 questions ({languages['English']} English, {languages['Hindi']} Hindi, "
              f"{languages['Gujarati']} Gujarati): LLM path {llm_count}, rules after the guard or a failed call "
              f"{30 - llm_count}; offline, keywords + rules answer {sum(right)} as intended, "
              f"{30 - sum(right)} otherwise: {[q for (q, _, _), ok in zip(QUESTIONS, right, strict=True) if not ok]}")
    assert len(QUESTIONS) == 30
    assert llm_count == 30
    assert sum(right) == 30
    for reply, (question, kind, _period) in zip(by_llm, QUESTIONS, strict=True):
        assert reply.kind == kind, question


def test_an_endpoint_that_refused_tools_is_not_asked_again_for_a_day(server, llm_settings, history):
    from desktop_app.bot.commands import Bot
    from desktop_app.insights.capability import EndpointMemory

    from .conftest import OWNER

    server.reply(Reply.error(400, "tools are not supported by this model"))
    bot = Bot(llm_settings, paths())
    first = bot.handle(OWNER, "best day this month")
    second = bot.handle(OWNER, "leads by source this week")
    assert len(server.completions) == 1  # the second question went straight to the keywords and the rules
    assert first == bot.questions.answer("best_worst", "month").text
    assert second == bot.questions.answer("top_sources", "week").text
    memory = EndpointMemory.for_paths(paths())
    capability = memory.get(server.base_url, "test-model")
    assert capability.notes["tools"] == "refused (HTTP 400)"
    data = json.loads(memory.path.read_text(encoding="utf-8"))
    for entry in data.values():
        entry["learned_at"] = "2020-01-01T00:00:00+00:00"  # learned long ago: tried again
    memory.path.write_text(json.dumps(data), encoding="utf-8")
    server.reply(Reply.tool("compute", question_type="top_sources", period="week"), Reply(content="No numbers."))
    bot.handle(OWNER, "leads by source this week")
    assert len(server.completions) == 3
