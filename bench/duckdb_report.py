"""The yardstick: DuckDB computing the same day's aggregates from the same CSV files.

Run as its own process (`python -m bench.duckdb_report ...`) so it is timed and measured whole,
exactly like the app's CLI. The SQL follows the app's semantics, so the totals must agree to the paisa:

- an order is a row with a Financial Status or a Total (Shopify continuation rows have neither),
  counted once; its amount is Total - Refunded Amount on that first row;
- cancelled orders (a Cancelled at stamp) and voided/failed/draft ones are not sales;
- the day is the wall-clock date written in Created at (the offset is not applied);
- an order counts towards "orders" when its amount is above zero (a fully refunded order does not);
- leads count per Created Date; attendance: present = distinct staff marked P, headcount = distinct staff
  marked present or absent (P/A/L) that day.

DuckDB is a benchmark-only dependency (the `bench` extra), never used by the app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal

SALES_SQL = """
WITH orders AS (
    SELECT CAST(substr("Created at", 1, 10) AS DATE) AS day,
           CAST("Total" AS DECIMAL(18, 2)) - coalesce(CAST("Refunded Amount" AS DECIMAL(18, 2)), 0) AS amount
    FROM read_csv($orders, header = true, all_varchar = true)
    WHERE ("Financial Status" IS NOT NULL OR "Total" IS NOT NULL)
      AND "Cancelled at" IS NULL
      AND lower(coalesce("Financial Status", '')) NOT IN ('cancelled', 'voided', 'void', 'failed', 'draft')
)
SELECT day, sum(amount) AS total, count(*) FILTER (WHERE amount > 0) AS orders
FROM orders WHERE day IN (SELECT unnest($days)) GROUP BY day
"""
LEADS_SQL = """
SELECT "Lead Source" AS source, count(*) AS leads
FROM read_csv($leads, header = true, all_varchar = true)
WHERE CAST(substr("Created Date", 1, 10) AS DATE) = $day
GROUP BY 1
"""
ATTENDANCE_SQL = """
SELECT count(DISTINCT "Employee ID") FILTER (WHERE "Status" = 'P') AS present,
       count(DISTINCT "Employee ID") FILTER (WHERE "Status" IN ('P', 'A', 'L')) AS headcount
FROM read_csv($attendance, header = true, all_varchar = true)
WHERE CAST(strptime("Date", '%d/%m/%Y') AS DATE) = $day
"""


def money(value: Decimal | None) -> str:
    """Exact two-decimal text: what "equal to the paisa" is compared on."""
    return f"{(value or Decimal(0)):.2f}"


def aggregates(orders: str, leads: str, attendance: str, day: dt.date, prev: dt.date) -> dict:
    import duckdb

    week_ago = day - dt.timedelta(days=7)
    con = duckdb.connect()
    rows = con.execute(SALES_SQL, {"orders": orders, "days": [day, prev, week_ago]}).fetchall()
    sales = {row[0]: (row[1], row[2]) for row in rows}
    by_source = dict(con.execute(LEADS_SQL, {"leads": leads, "day": day}).fetchall())
    present, headcount = con.execute(ATTENDANCE_SQL, {"attendance": attendance, "day": day}).fetchone()
    return {
        "sales": {
            "total": money(sales.get(day, (None, 0))[0]), "orders": sales.get(day, (None, 0))[1],
            "prev_total": money(sales.get(prev, (None, 0))[0]), "prev_orders": sales.get(prev, (None, 0))[1],
            "week_ago_total": money(sales.get(week_ago, (None, 0))[0]),
        },
        "leads": {"count": sum(by_source.values()), "by_source": dict(sorted(by_source.items()))},
        "attendance": {"present": present, "headcount": headcount},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="DuckDB's answer for one report date, as JSON")
    parser.add_argument("--date", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--prev", type=dt.date.fromisoformat, required=True, help="the previous open day")
    parser.add_argument("--orders", required=True)
    parser.add_argument("--leads", required=True)
    parser.add_argument("--attendance", required=True)
    args = parser.parse_args(argv)
    print(json.dumps(aggregates(args.orders, args.leads, args.attendance, args.date, args.prev)))


if __name__ == "__main__":
    main()
