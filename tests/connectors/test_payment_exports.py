"""Payment and marketplace exports an Indian online seller downloads, checked against real files
(data/payments/SOURCES.md; hand counts from the cells, not the app's code).

Before: Stripe payments that never completed (`requires_payment_method`, no id) and payments refunded in full
were counted as sales, one failed payment in another currency refused the whole file, and Meesho's orders
returned to origin (RTO) were counted as sold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connectors import SourceReadError, read_source

from .conftest import spec
from .test_order_amounts import day_sales

DATA = Path(__file__).parent / "data" / "payments"


def test_stripe_payments_that_never_completed_or_were_refunded_are_not_sales():
    result = read_source(spec(DATA / "stripe_meedi8_unified_payments.csv", "sales"))
    assert day_sales(result.frame, "2025-11-19") == (29.97, 3)  # 11 rows that day: 3 paid, the rest not
    assert result.currencies == ("GBP",)


def test_the_currency_is_that_of_the_payments_that_count():
    """One Failed payment in AUD among USD ones: before, the file was 'in AUD, USD' and refused."""
    result = read_source(spec(DATA / "stripe_answersai_unified_payments.csv", "sales"))
    assert result.currencies == ("USD",)
    assert day_sales(result.frame, "2024-09-20") == (640.47, 23)


def test_marketplace_orders_returned_to_origin_or_cancelled_are_not_sales():
    mapping = {"amount": "Supplier Discounted Price (Incl GST and Commision)", "order_id": "Sub Order No",
               "status": "Reason for Credit Entry"}
    result = read_source(spec(DATA / "meesho_orders_cut.csv", "sales", columns=mapping))
    assert day_sales(result.frame, "2025-08-21") == (499.0, 1)  # DELIVERED; CANCELLED, RTO_COMPLETE, RTO_LOCKED
    assert any("2 order(s) with a status of returned or refunded" in w for w in result.warnings)


def test_a_payment_accounts_activity_is_refused_until_its_sales_types_are_named():
    """Holds, releases, tax lines and a withdrawal were added up as sales: a day of 952.05 read as 406.43, and
    a day of no sales as −2,639.06."""
    path = DATA / "paypal_ebay_seller_activity.csv"
    with pytest.raises(SourceReadError, match=re.escape(
            "is a payment account's activity: besides payments it lists holds, withdrawals, card spending and fees, "
            "which are not sales; keep the payment types with a filter on 'Type' in this source's settings, e.g. "
            "Type = [\"eBay Auction Payment\", \"Payment Refund\", \"Website Payment\"]")):
        read_source(spec(path, "sales"))
    kept = {"Type": ("eBay Auction Payment", "Payment Refund", "Website Payment")}  # as the sentence says
    result = read_source(spec(path, "sales", filter=kept))
    assert day_sales(result.frame, "2020-10-10")[0] == 952.05
    assert day_sales(result.frame, "2020-10-16")[0] == 0.0  # a withdrawal and holds only
