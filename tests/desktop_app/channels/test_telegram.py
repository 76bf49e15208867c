"""Message splitting, escaping and what each Telethon error means for the owner."""

from __future__ import annotations

from telethon import errors

from desktop_app.channels.telegram import MAX_MESSAGE, chat_entity, classify, split_message, visible_length
from desktop_app.render import late_note, with_header_notes

from ..outbox_helpers import IST, SIX_PM


def test_parts_are_cut_between_lines_and_stay_under_the_limit():
    lines = [f"• <b>line {n}</b> &amp; more text" for n in range(400)]
    parts = split_message("\n".join(lines), limit=1000)
    assert len(parts) > 1 and "\n".join(parts) == "\n".join(lines)
    assert all(visible_length(part) <= 1000 for part in parts)
    assert all(part.count("<b>") == part.count("</b>") for part in parts)


def test_limit_counts_visible_text_not_markup():
    line = "<b>" + "x" * 50 + "</b> &amp;"
    assert visible_length(line) == 52
    assert split_message("\n".join([line] * 10), limit=52 * 10 + 9) == ["\n".join([line] * 10)]


def test_emoji_count_as_telegram_counts_them():
    assert visible_length("📅") == 2  # UTF-16 code units


def test_a_single_overlong_line_is_cut_at_spaces_and_stays_escaped():
    line = "<i>" + " ".join(["a&lt;b&gt;&amp;c"] * 2000) + "</i>"
    parts = split_message(line)
    assert len(parts) > 1 and all(visible_length(part) <= MAX_MESSAGE for part in parts)
    assert all("<i>" not in part and "a&lt;b&gt;&amp;c" in part for part in parts)


def test_destinations_as_telethon_takes_them():
    assert chat_entity("-1001234567890") == -1001234567890
    assert chat_entity("123") == 123
    assert chat_entity("@owner_ramesh") == "@owner_ramesh"
    assert chat_entity("me") == "me"


def test_error_classes():
    flood = classify(errors.FloodWaitError(request=None, capture=42), "@x", "bot")
    assert flood.kind == "flood" and flood.wait_seconds == 42 and not flood.permanent
    for transient in (ConnectionError(), OSError(), TimeoutError(),
                      errors.ServerError(request=None, message="RPC_CALL_FAIL", code=500)):
        assert classify(transient, "@x", "bot").kind == "network"
    for auth in (errors.AuthKeyUnregisteredError(request=None), errors.SessionRevokedError(request=None),
                 errors.AuthKeyInvalidError(request=None), errors.AuthKeyDuplicatedError(request=None)):
        outcome = classify(auth, "@x", "bot")
        assert outcome.kind == "auth" and outcome.permanent and "telegram login" in outcome.sentence
    blocked = classify(errors.UserIsBlockedError(request=None), "@owner", "bot")
    assert blocked.permanent and "press Start" in blocked.sentence
    unknown = classify(errors.PeerIdInvalidError(request=None), "12345", "bot")
    assert unknown.permanent and "12345" in unknown.sentence and "press Start" in unknown.sentence
    assert "press Start" not in classify(errors.PeerIdInvalidError(request=None), "12345", "user").sentence
    assert classify(ValueError("some bug of ours"), "@x", "bot").kind == "unexpected"
    assert classify(errors.ChatWriteForbiddenError(request=None), "-100", "bot").kind == "destination"


def test_late_note_in_the_business_time_zone():
    assert late_note(SIX_PM, SIX_PM.replace(minute=40), IST) == "computed 18:00, sent 18:40"
    next_morning = SIX_PM.replace(day=25, hour=9, minute=5)
    assert late_note(SIX_PM, next_morning, IST) == "computed Tue 24 Nov 18:00, sent Wed 25 Nov 09:05"
    html = with_header_notes("📅 <b>Title</b>\nbody", ["computed 18:00, sent 18:40", "a <note> & more"])
    assert html == "📅 <b>Title</b>\n<i>computed 18:00, sent 18:40</i>\n<i>a &lt;note&gt; &amp; more</i>\nbody"
