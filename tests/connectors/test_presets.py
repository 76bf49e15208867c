"""Presets recognised from realistic headers written here (IndiaMART, HubSpot, Zoho, Salesforce, seed)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from connectors import SourceReadError, read_source, recognise

from .conftest import spec, write

INDIAMART = {
    "CODE": 200,
    "STATUS": "SUCCESS",
    "TOTAL_RECORDS": 4,
    "RESPONSE": [
        {"UNIQUE_QUERY_ID": "2871641203", "QUERY_TYPE": "W", "QUERY_TIME": "2024-05-02 10:15:44",
         "SENDER_NAME": "Ramesh Patel", "SENDER_MOBILE": "+91-9876543210", "SENDER_EMAIL": "ramesh@example.in",
         "SENDER_COMPANY": "Patel Traders", "SENDER_CITY": "Surat", "SENDER_STATE": "Gujarat",
         "QUERY_PRODUCT_NAME": "Cotton Sarees", "QUERY_MESSAGE": "Need 200 pcs", "CALL_DURATION": ""},
        {"UNIQUE_QUERY_ID": "2871641299", "QUERY_TYPE": "B", "QUERY_TIME": "2024-05-02 12:01:05",
         "SENDER_NAME": "Buyer", "SENDER_MOBILE": "+91-9000000001", "SENDER_EMAIL": "",
         "SENDER_COMPANY": "", "SENDER_CITY": "Pune", "QUERY_PRODUCT_NAME": "Silk Sarees",
         "QUERY_MESSAGE": "", "CALL_DURATION": ""},
        {"UNIQUE_QUERY_ID": "2871641300", "QUERY_TYPE": "P", "QUERY_TIME": "2024-05-03 09:00:00",
         "SENDER_NAME": "Caller", "SENDER_MOBILE": "+91-9000000002", "SENDER_EMAIL": "",
         "SENDER_COMPANY": "", "SENDER_CITY": "", "QUERY_PRODUCT_NAME": "", "QUERY_MESSAGE": "",
         "CALL_DURATION": "45"},
        {"UNIQUE_QUERY_ID": "2871641301", "QUERY_TYPE": "BIZ", "QUERY_TIME": "2024-05-03 09:30:00",
         "SENDER_NAME": "Other", "SENDER_MOBILE": "", "SENDER_EMAIL": "", "SENDER_COMPANY": "",
         "SENDER_CITY": "", "QUERY_PRODUCT_NAME": "", "QUERY_MESSAGE": "", "CALL_DURATION": ""},
    ],
}


def test_indiamart_pull_api_json(tmp_path):
    path = tmp_path / "pull.json"
    path.write_text(json.dumps(INDIAMART), encoding="utf-8")
    sf = read_source(spec(path, "leads"))
    frame = sf.frame
    assert sf.connector == "indiamart" and sf.has_dates
    assert frame["source"].tolist() == [
        "IndiaMART · Direct enquiry", "IndiaMART · Buy-lead", "IndiaMART · Phone call", "IndiaMART · Catalogue view"
    ]
    assert frame["lead_id"].tolist() == ["2871641203", "2871641299", "2871641300", "2871641301"]
    assert frame["received_at"][0] == pd.Timestamp("2024-05-02 10:15:44")
    assert frame.loc[0, ["name", "phone", "company"]].tolist() == ["Ramesh Patel", "+91-9876543210",
                                                                   "Patel Traders"]
    # per day: 2nd has 2 leads, 3rd has 2 leads
    assert frame.groupby(frame["received_at"].dt.date).size().tolist() == [2, 2]


def test_an_indiamart_enquiry_listed_twice_counts_once(tmp_path):
    """A real v2 reply held enquiry 551297957 twice (one space apart in the message), and saved 7-day pulls
    overlap: the live route keeps leads by UNIQUE_QUERY_ID, so a saved file must too."""
    twice = dict(INDIAMART["RESPONSE"][1], QUERY_MESSAGE="Need it  soon")
    doc = dict(INDIAMART, TOTAL_RECORDS=5, RESPONSE=[*INDIAMART["RESPONSE"], twice])
    path = tmp_path / "pull.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    sf = read_source(spec(path, "leads"))
    assert sf.frame["lead_id"].tolist() == ["2871641203", "2871641299", "2871641300", "2871641301"]
    assert any(w.startswith("1 enquiry listed again under the same UNIQUE_QUERY_ID") for w in sf.warnings)


def test_the_retired_indiamart_pull_api_reads_as_the_new_one(tmp_path):
    """Field names of the pull API before v2, from a real record kept in an Odoo module's docstring."""
    record = {"RN": "2", "QUERY_ID": "463179622", "QTYPE": "B", "SENDERNAME": "Buyer", "SENDEREMAIL": "",
              "DATE_RE": "16 Apr 2022", "DATE_R": "16-Apr-22", "DATE_TIME_RE": "16-Apr-2022 09:33:16 AM",
              "GLUSR_USR_COMPANYNAME": "Dr Education Center", "MOB": "+91-9000000003", "QUERY_MODID": "DIRECT",
              "PRODUCT_NAME": "Semi Automated Biochemistry Analyzer", "TOTAL_COUNT": "19"}
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    sf = read_source(spec(path, "leads"))
    assert sf.connector == "indiamart" and sf.issues == []
    assert sf.frame.loc[0, ["lead_id", "source", "received_at"]].tolist() == [
        "463179622", "IndiaMART · Buy-lead", pd.Timestamp("2022-04-16 09:33:16")]


def test_indiamart_error_code_quotes_message(tmp_path):
    path = tmp_path / "pull.json"
    path.write_text(json.dumps({"CODE": 429, "STATUS": "FAILURE",
                                "MESSAGE": "It is advised to hit this API once in every 5 minutes"}))
    with pytest.raises(SourceReadError, match="advised to hit this API once"):
        read_source(spec(path, "leads"))


HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Phone Number,Create Date,Original Source,Lead Source,Lead Status,"
    "Contact owner\n"
    "51,Asha,Mehta,asha@example.in,+91 98200 00001,2025-04-03 10:22,Organic Search,,New,Priya\n"
    "52,Ravi,,ravi@example.in,,2025-04-03 16:40,,Trade show,Open,Priya\n"
    "53,,,x@example.in,,2025-04-04 09:00,Direct Traffic,,,\n"
)


def test_hubspot_export(tmp_path):
    path = write(tmp_path / "hubspot-crm-exports-all-contacts.csv", HUBSPOT)
    sf = read_source(spec(path, "leads"))
    frame = sf.frame
    assert sf.connector == "hubspot"
    # Original Source first, blanks filled from Lead Source
    assert frame["source"].tolist() == ["Organic Search", "Trade show", "Direct Traffic"]
    assert frame["name"].tolist()[:2] == ["Asha Mehta", "Ravi"]
    assert frame["received_at"].tolist()[0] == pd.Timestamp("2025-04-03 10:22")
    assert frame["lead_id"].tolist() == ["51", "52", "53"]


ZOHO = (
    "Record Id,Lead Owner,Company,First Name,Last Name,Email,Phone,Mobile,Lead Source,Lead Status,Created Time,"
    "Modified Time\n"
    "zcrm_4876000000123001,Neha,Shah Textiles,Kiran,Shah,kiran@shah.in,,9820012345,Website,Not Contacted,"
    "2025-04-03 11:05:00,2025-04-03 11:05:00\n"
    "zcrm_4876000000123002,Neha,,Meera,,,,,,Contacted,2025-04-04 15:20:00,2025-04-04 15:20:00\n"
)


def test_zoho_export(tmp_path):
    path = write(tmp_path / "Leads_2025_04_04.csv", ZOHO)
    sf = read_source(spec(path, "leads"))
    frame = sf.frame
    assert sf.connector == "zoho"
    assert frame["source"].tolist() == ["Website", "Unknown"]
    assert frame["phone"].tolist()[0] == "9820012345"  # Phone blank -> Mobile
    assert frame["name"].tolist() == ["Kiran Shah", "Meera"]
    assert frame["received_at"].dt.date.astype(str).tolist() == ["2025-04-03", "2025-04-04"]


def test_salesforce_with_created_date_us_format_and_deleted_rows(tmp_path):
    path = write(
        tmp_path / "export.csv",
        "Id,IsDeleted,Name,LeadSource,Status,CreatedDate\n"
        "00Q1,FALSE,A,Web,Open,02/03/26 08:55 PM\n"  # 3 Feb 2026 (US month first), 20:55
        "00Q2,TRUE,B,Web,Open,02/03/26 09:00 PM\n"  # deleted: dropped
        "00Q3,FALSE,C,,Open,2026-02-04T10:00:00.000Z\n",
    )
    sf = read_source(spec(path, "leads"))
    assert sf.connector == "salesforce" and sf.has_dates and sf.warnings == []
    assert sf.frame["lead_id"].tolist() == ["00Q1", "00Q3"]
    assert sf.frame["received_at"].tolist() == [pd.Timestamp("2026-02-03 20:55"), pd.Timestamp("2026-02-04 10:00")]
    assert sf.frame["source"].tolist() == ["Web", "Unknown"]


def test_seed_files_have_no_dates(tmp_path):
    sales = write(tmp_path / "sales_today.csv", "order_id,amount\n1,1200\n2,800.50\n")
    leads = tmp_path / "leads_today.json"
    leads.write_text(json.dumps([{"name": "A", "source": "Instagram"}, {"name": "B", "source": ""}]))
    attendance = write(tmp_path / "attendance_today.csv", "employee,present\nAsha,1\nRavi,0\nMeena,yes\n")
    s = read_source(spec(sales, "sales"))
    assert (s.connector, s.has_dates) == ("seed_sales", False)
    assert s.frame["amount"].sum() == pytest.approx(2000.50)  # 1200 + 800.50
    lead = read_source(spec(leads, "leads"))
    assert (lead.connector, lead.has_dates) == ("seed_leads", False)
    assert lead.frame["source"].tolist() == ["Instagram", "Unknown"]
    att = read_source(spec(attendance, "attendance"))
    assert (att.connector, att.has_dates) == ("seed_attendance", False)
    assert att.frame["present"].tolist() == [True, False, True]


def test_detection_by_content_not_file_name(tmp_path):
    # A Shopify header under an unhelpful name is still Shopify; a plain file named like one is not.
    header = "Name,Email,Financial Status,Total,Created at,Lineitem name,Refunded Amount,Cancelled at\n"
    shop = write(tmp_path / "download (3).csv",
                 header + "#1,,voided,10.00,2025-04-03 10:00:00 +0530,Tea,0.00,\n"
                          "#2,,paid,20.00,2025-04-03 11:00:00 +0530,Tea,5.00,\n"
                          "#3,,paid,30.00,2025-04-03 12:00:00 +0530,Tea,0.00,2025-04-03 13:00:00 +0530\n")
    assert recognise(spec(shop, "sales")).key == "shopify"
    frame = read_source(spec(shop, "sales")).frame
    # voided stays voided; #2 is 20.00 - 5.00 refunded = 15.00; #3 has Cancelled at -> cancelled
    assert frame["status"].tolist() == ["voided", "paid", "cancelled"]
    assert frame["amount"].tolist() == [10.0, 15.0, 30.0]
    plain = write(tmp_path / "orders_export_shopify.csv", "Order ID,Date,Amount\n1,2025-04-03,5\n")
    assert recognise(spec(plain, "sales")).key == "csv"


def test_explicit_format_forces_preset(tmp_path):
    path = write(tmp_path / "x.csv", "order_id,amount\n1,5\n")
    assert recognise(spec(path, "sales", format="csv")).key == "csv"
    assert read_source(spec(path, "sales", format="csv")).connector == "csv"


def test_woocommerce_trash_and_failed_are_not_sales(tmp_path):
    path = write(
        tmp_path / "wc.csv",
        "order_id,order_number,order_date,status,order_total,refund_items\n"
        "1,1,03-04-2025 10:00:00,wc-completed,100,\n2,2,03-04-2025 11:00:00,trash,50,\n"
        "3,3,03-04-2025 12:00:00,failed,70,\n4,4,03-04-2025 12:30:00,checkout-draft,10,\n"
        '5,5,03-04-2025 13:00:00,refunded,40,"amount:10.00|reason:size|date:2025-04-05 09:00:00;'
        'amount:30.00|reason:rest|date:2025-04-06 09:00:00"\n',
    )
    frame = read_source(spec(path, "sales")).frame
    assert frame["status"].tolist() == ["completed", "cancelled", "failed", "draft", "refunded",
                                        "refunded", "refunded"]
    refunds = frame.iloc[5:]
    assert refunds["amount"].tolist() == [-10.0, -30.0]
    assert refunds["ordered_at"].dt.day.tolist() == [5, 6]
    # order 5: +40 on the 3rd, -10 on the 5th, -30 on the 6th -> nets to 0
    assert frame.loc[frame["order_id"] == "5", "amount"].sum() == 0
