"""The number guard in the head office's report binds each number to a branch as well as a metric: a true
figure of the whole business or of another branch said of the wrong branch is dropped; other reports are
checked as before."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.consolidated import consolidate
from desktop_app.insights.guard import check_bullets
from desktop_app.insights.payload import branch_names, build_payload, payload_numbers

from ..branch_reports import TUE, branch_report

MON = TUE - dt.timedelta(days=1)
LAST_TUE = TUE - dt.timedelta(days=7)


@pytest.fixture(scope="module")
def report():
    # Naroda ₹1.2 L, 40 orders, 12 leads, 11/12 present, +20% vs Mon, -20% vs last Tue, 73% share, #1;
    # Maninagar ₹45,000, 15 orders, 3 leads, 6/10 present, -10% vs Mon, +50% vs last Tue, 27% share, #2;
    # the business ₹1.65 L, 55 orders, 15 leads; Vastral has not reported.
    return consolidate({
        "Naroda": {TUE: branch_report(TUE, 120000, 40, 12, 11, 12), MON: branch_report(MON, 100000, 35, 10, 12, 12),
                   LAST_TUE: branch_report(LAST_TUE, 150000, 50, 9, 12, 12)},
        "Maninagar": {TUE: branch_report(TUE, 45000, 15, 3, 6, 10), MON: branch_report(MON, 50000, 20, 5, 9, 10),
                      LAST_TUE: branch_report(LAST_TUE, 30000, 10, 2, 10, 10)},
        "Vastral": {MON: branch_report(MON, 20000, 8, 1, 5, 6), LAST_TUE: branch_report(LAST_TUE, 25000, 9, 2, 6, 6)},
    }, TUE)


def _check(report, bullets, *, by_branch=True):
    numbers = payload_numbers(build_payload(report))
    return check_bullets(bullets, numbers, branch_names(report) if by_branch else ())


MISATTRIBUTED = ["Naroda's sales were ₹45,000 today.",  # Maninagar's
                 "Naroda's sales were ₹1.65 lakh today.",  # the whole business's
                 "NARODA had 15 orders.",  # Maninagar's, any case
                 "Naroda made Rs. 45,000 today.",  # "Rs." does not end the sentence
                 "Maninagar's sales were up 20% on the previous day.",  # Naroda's change
                 "Maninagar brought in 15 leads.",  # the total
                 "The business sold ₹1.65 lakh. Naroda alone made ₹45,000."]  # second sentence wrong


def test_a_true_figure_said_of_the_wrong_branch_is_dropped(report):
    assert _check(report, MISATTRIBUTED, by_branch=False).kept == MISATTRIBUTED  # the defect, without branches
    checked = _check(report, MISATTRIBUTED)
    assert checked.kept == [] and [bullet for bullet, _ in checked.dropped] == MISATTRIBUTED
    assert checked.dropped[0][1] == ["₹45,000"]


def test_a_branch_s_own_figures_are_kept(report):
    good = ["Naroda led with sales of ₹1.2 lakh from 40 orders, 73% of the business.",
            "naroda ranked #1 for sales.",
            "Naroda had 12 leads and 91.7% attendance.",
            "Naroda's average order was ₹3,000.",
            "Maninagar's sales were up 50% on the same day last week but down 10% on the previous day.",
            f"Maninagar's sales fell 10% against {MON:%a} {MON.day} {MON:%b}.",
            "The whole business made sales of ₹1.65 lakh from 55 orders.",  # no branch named: checked as before
            "The business sold ₹1.65 lakh. Naroda made ₹1.2 lakh of it.",
            "Vastral has not reported yet, so the totals are partial."]
    checked = _check(report, good)
    assert checked.dropped == [] and checked.kept == good


def test_two_branches_compared_with_their_own_figures_are_kept(report):
    good = ["Naroda's ₹1.2 lakh was well ahead of Maninagar's ₹45,000.",
            "Naroda sold ₹1.2 lakh and Maninagar ₹45,000.",
            "Sales were ₹1.2 lakh at Naroda, while Maninagar made ₹45,000.",
            "Naroda ₹1.2 L (73%); Maninagar ₹45,000 (27%).",
            "Against last week Maninagar rose 50% while Naroda fell 20%."]
    checked = _check(report, good)
    assert checked.dropped == [] and checked.kept == good


def test_two_branches_figures_swapped_are_dropped(report):
    swapped = ["Naroda's ₹45,000 was well behind Maninagar's ₹1.2 lakh.",
               "Naroda sold ₹45,000 and Maninagar ₹1.2 lakh.",
               "Naroda ₹45,000 (27%); Maninagar ₹1.2 L (73%).",
               "Against last week Maninagar fell 20% while Naroda rose 50%.",
               "Naroda and Maninagar took 15 leads between them."]  # the total, not either branch's
    assert _check(report, swapped, by_branch=False).kept == swapped  # the defect
    checked = _check(report, swapped)
    assert checked.kept == [] and [bullet for bullet, _ in checked.dropped] == swapped


def test_zero_claims_are_bound_to_the_branch():
    report = consolidate({"Naroda": {TUE: branch_report(TUE, 120000, 40, 0, 11, 12)},
                          "Maninagar": {TUE: branch_report(TUE, 45000, 15, 3, 6, 10)}}, TUE)
    checked = _check(report, ["Naroda had no new leads today.", "Maninagar had no new leads today."])
    assert checked.kept == ["Naroda had no new leads today."]


def test_a_number_in_a_branch_s_name_is_not_a_figure():
    report = consolidate({"Sector 21": {TUE: branch_report(TUE, 120000, 40)},
                          "Maninagar": {TUE: branch_report(TUE, 45000, 15)}}, TUE)
    checked = _check(report, ["Sector 21 sold ₹1.2 lakh.", "Sector 21 sold ₹45,000."])
    assert checked.kept == ["Sector 21 sold ₹1.2 lakh."]


def test_other_reports_have_no_branch_rule():
    ordinary = branch_report(TUE, 120000, 40)
    assert branch_names(ordinary) == []
