"""The real exports in ../shared/data through read_source with format auto.

Expected numbers were worked out by hand from the files (arithmetic in the comments).
"""

from __future__ import annotations

import pandas as pd
import pytest

from connectors import read_source

from .conftest import shared_data, spec

# Shopify: the order-level row of each order (Financial Status / Total filled), in file order.
SHOPIFY_ORDERS = {
    "#1001": (1659.95, "paid"), "#1002": (1615.90, "paid"), "#1003": (729.95, "paid"),
    "#1004": (34.95, "paid"), "#1005": (1635.55, "paid"), "#1006": (2535.85, "paid"),
    "#1007": (49.95, "paid"), "#1008": (189.80, "paid"), "#1009": (189.80, "paid"),
    "#1010": (729.95, "paid"), "#1011": (1659.95, "paid"), "#1012": (949.95, "paid"),
    "#1013": (127.59, "pending"), "#1014": (100.00, "paid"), "#1015": (100.00, "paid"),
    "#1016": (9.95, "paid"), "#1017": (10.00, "paid"), "#1018": (100.00, "paid"),
    "#1019": (1659.95, "paid"),
}


def test_shopify_one_row_per_order_with_totals():
    sf = read_source(spec(shared_data("shopify_orders_export_dev_store_eur.csv"), "sales"))
    frame = sf.frame
    assert sf.connector == "shopify"
    assert sf.has_dates is True
    assert sf.issues == []
    # 40 data rows, 19 distinct Names; continuation rows (extra line items) are not orders.
    assert len(frame) == 19
    assert frame["order_id"].is_unique
    got = {r.order_id: (r.amount, r.status) for r in frame.itertuples()}
    assert got.keys() == SHOPIFY_ORDERS.keys()
    for order_id, (amount, status) in SHOPIFY_ORDERS.items():
        assert got[order_id][0] == pytest.approx(amount), order_id
        assert got[order_id][1] == status, order_id
    # 1659.95+1615.90+729.95+34.95+1635.55+2535.85+49.95+189.80+189.80+729.95
    # +1659.95+949.95+127.59+100+100+9.95+10+100+1659.95 = 14089.04 (Refunded Amount is 0.00 everywhere)
    assert frame["amount"].sum() == pytest.approx(14089.04)


def test_shopify_dates_keep_wall_clock_and_rows_point_at_order_row():
    frame = read_source(spec(shared_data("shopify_orders_export_dev_store_eur.csv"), "sales")).frame
    first = frame.iloc[0]
    # "2025-05-11 09:55:16 -0400" -> 09:55:16 as written, offset dropped
    assert first["ordered_at"] == pd.Timestamp("2025-05-11 09:55:16")
    assert first["_row"] == 2  # header is row 1
    # #1002 starts after #1001's 4 rows (rows 2-5), so its order row is row 6
    assert frame.loc[frame["order_id"] == "#1002", "_row"].item() == 6
    assert frame["ordered_at"].notna().all()
    # orders per day: 11th #1001-#1003 = 3, 12th #1004-#1005 = 2, 13th #1006-#1012 = 7, 16th #1013 = 1,
    # 17th #1014-#1019 = 6 -> 3+2+7+1+6 = 19
    per_day = frame.groupby(frame["ordered_at"].dt.date).size()
    assert per_day.to_dict() == {
        pd.Timestamp(d).date(): n
        for d, n in {"2025-05-11": 3, "2025-05-12": 2, "2025-05-13": 7, "2025-05-16": 1, "2025-05-17": 6}.items()
    }
    assert frame.loc[frame["order_id"] == "#1006", "product"].item() == "The Complete Snowboard - Ice"
    assert set(frame["channel"]) == {"Draft orders"}  # Source "shopify_draft_order", as the admin names it


def test_woocommerce_orders_plus_dated_refund_row():
    sf = read_source(spec(shared_data("woocommerce_orders_sample_webtoffee.csv"), "sales"))
    frame = sf.frame
    assert sf.connector == "woocommerce"
    assert sf.issues == []
    # 3 orders + 1 refund row (order 1002: "amount:46.00|reason:refund|date:2019-06-19 12:13:48")
    assert len(frame) == 4
    orders = frame[frame["status"] != "refunded"]
    assert list(orders["order_id"]) == ["1001", "1002", "1003"]
    assert list(orders["status"]) == ["completed", "on_hold", "processing"]
    # 22.42 + 33.04 + 58.98 = 114.44
    assert orders["amount"].sum() == pytest.approx(114.44)
    # order_date is DD-MM-YYYY: "16-05-2018 07:32:06" is 16 May 2018
    assert orders.iloc[0]["ordered_at"] == pd.Timestamp("2018-05-16 07:32:06")
    refund = frame[frame["status"] == "refunded"].iloc[0]
    assert refund["order_id"] == "1002"
    assert refund["amount"] == pytest.approx(-46.00)
    assert refund["ordered_at"] == pd.Timestamp("2019-06-19 12:13:48")
    # records, not lines: order 1002 is the 3rd record although 1001 spans two lines
    assert refund["_row"] == 3
    # net of the file: 114.44 - 46.00 = 68.44
    assert frame["amount"].sum() == pytest.approx(68.44)
    assert orders.iloc[0]["product"] == "Formal shoe"


def test_zkteco_distinct_employees_per_day():
    sf = read_source(spec(shared_data("zkteco_attlog_2days.dat"), "attendance"))
    frame = sf.frame
    assert sf.connector == "zkteco"
    assert sf.issues == []
    assert frame["present"].all()
    # 191 punches; distinct user ids per day (checked with awk | sort -u): 59 on the 19th, 66 on the 20th
    per_day = frame.groupby("date")["employee"].nunique()
    assert per_day[pd.Timestamp("2017-06-19")] == 59
    assert per_day[pd.Timestamp("2017-06-20")] == 66
    # one row per employee per day: 59 + 66 = 125 (double taps collapsed)
    assert len(frame) == 125
    assert not frame.duplicated(["employee", "date"]).any()
    assert frame["employee"].str.strip().eq(frame["employee"]).all()  # right-aligned ids are stripped
    assert frame.iloc[0]["employee"] == "17" and frame.iloc[0]["_row"] == 1


def test_salesforce_sample_has_no_created_date():
    sf = read_source(spec(shared_data("salesforce_leads_export_sample_org.csv"), "leads"))
    frame = sf.frame
    assert sf.connector == "salesforce"
    assert len(frame) == 22
    # LeadSource column by hand: Web rows 1,2,6,9,12,18,19 = 7; Phone Inquiry 3,7,13,17 = 4;
    # Purchased List 4,8,14,16,20,21,22 = 7; Partner Referral 5,10,11,15 = 4 -> 7+4+7+4 = 22
    assert frame["source"].value_counts().to_dict() == {
        "Web": 7, "Purchased List": 7, "Phone Inquiry": 4, "Partner Referral": 4
    }
    assert sf.has_dates is False
    assert "no CreatedDate column: export it to count leads per day" in sf.warnings
    # LastModifiedDate is present but must not stand in for the creation date
    assert frame["received_at"].isna().all()
    assert frame.iloc[0][["lead_id", "name", "email"]].tolist() == [
        "00Qbm00000Orxk5EAB", "Bertha Boxer", "bertha@fcof.net"
    ]
