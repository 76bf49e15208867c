"""The head office's report through the one insights path: a real openai client against a server on 127.0.0.1.
The model sees every branch's figures; a bullet with a number that no branch has is dropped by the guard."""

from __future__ import annotations

import datetime as dt
import json

from desktop_app.consolidated_run import run_consolidated
from tests.llm_server import Reply

from ..branch_reports import TUE, branch_report
from .conftest import ai_settings

MON = TUE - dt.timedelta(days=1)


class Shared:
    def __init__(self, reports):
        self.reports = reports

    def branch_reports(self, first, last, branches=None):
        return self.reports

    def branches(self):
        return [type("Info", (), {"branch": name})() for name in self.reports]


def test_ai_bullets_across_branches_are_number_checked(llm_server, paths):
    reports = {"Naroda": {TUE: branch_report(TUE, 120000, 40, 12, 11, 12), MON: branch_report(MON, 100000, 35)},
               "Maninagar": {TUE: branch_report(TUE, 45000, 15, 3, 6, 10), MON: branch_report(MON, 50000, 20)},
               "Vastral": {MON: branch_report(MON, 20000, 8)}}
    good = ["Naroda led with sales of ₹1.2 lakh, 73% of the business.",
            "Maninagar's sales were down 10% on the previous day.",
            "Vastral has not reported yet, so the totals are partial."]
    wrong = "Naroda's sales were ₹2.4 lakh today."
    llm_server.reply(Reply.json_insights([*good, wrong]))
    settings = ai_settings(llm_server)
    settings.business.head_office = True
    report = run_consolidated(settings, paths, TUE, history=Shared(reports), save=False)
    assert (report.engine, report.guard_dropped) == ("ai", 1)
    assert report.insights == good and wrong not in report.text
    payload = json.dumps(llm_server.completions[0].json["messages"], ensure_ascii=False)
    assert "branches_not_reported" in payload and "Maninagar" in payload and "sales_rank" in payload


def test_a_true_figure_said_of_the_wrong_branch_is_dropped(llm_server, paths):
    reports = {"Naroda": {TUE: branch_report(TUE, 120000, 40, 12, 11, 12), MON: branch_report(MON, 100000, 35)},
               "Maninagar": {TUE: branch_report(TUE, 45000, 15, 3, 6, 10), MON: branch_report(MON, 50000, 20)}}
    good = ["Naroda led with sales of ₹1.2 lakh, 73% of the business.",
            "Naroda's ₹1.2 lakh was well ahead of Maninagar's ₹45,000.",
            "The whole business made sales of ₹1.65 lakh."]
    wrong = ["Naroda's sales were ₹1.65 lakh today.",  # the whole business's
             "Naroda sold ₹45,000 and Maninagar ₹1.2 lakh."]  # swapped
    llm_server.reply(Reply.json_insights([*good, *wrong]))
    settings = ai_settings(llm_server)
    settings.business.head_office = True
    report = run_consolidated(settings, paths, TUE, history=Shared(reports), save=False)
    assert (report.engine, report.guard_dropped) == ("ai", 2)
    assert report.insights == good and not any(bullet in report.text for bullet in wrong)
