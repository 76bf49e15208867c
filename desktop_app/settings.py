"""The one declaration of every setting, and the human-editable settings.toml behind it.

Each field is declared once with its type, default and a one-line description; validation,
the commented settings file and (later) the settings dialog all come from here. Secrets never
live in this file: they go to the OS keyring (see secrets.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomlkit
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from tomlkit.exceptions import ParseError

from connectors.base import SourceSpec

from .alert_rules import parse_rule
from .locales import NAMES_LOCALE, OFFERED_LOCALES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SECRET_WORDS = ("key", "token", "password", "secret", "hash", "session")


def _weekday_list(value: list[str]) -> list[str]:
    days = [day.strip().lower()[:3] for day in value]
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown:
        raise ValueError(f"unknown weekday {unknown[0]!r}; use mon, tue, wed, thu, fri, sat, sun")
    if not days:
        raise ValueError("at least one weekday is needed")
    return days


class SettingsError(Exception):
    """A settings file that cannot be used; the message names the file, the key and the problem."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class BusinessSettings(_Section):
    name: str = Field("My Business", description="Business name shown in the report header.")
    currency: str = Field("INR", description="ISO currency code of the amounts in your exports (INR, USD, EUR...).")
    locale: str = Field(
        "en_IN", description="Number format: en_IN writes 2,35,000; en_US writes 235,000 (also hi_IN, gu_IN, en_GB)."
    )
    timezone: str = Field("Asia/Kolkata", description="Time zone that decides what 'today' is.")
    open_weekdays: list[str] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat"],
        description="Days the business is open; 'vs yesterday' compares with the previous open day.",
    )
    holidays: list[dt.date] = Field(default_factory=list, description="Closed dates, e.g. [2026-11-08].")
    head_office: bool = Field(
        False, description="This PC reports for the whole business: its report adds up every branch's report from "
        "the shared history (its own sources are not read; a shop at the head office reports as a branch).",
    )
    branch: str = Field("", max_length=100, description="This PC's branch (shop) name, e.g. Naroda; each report is "
                        "stored under it in a shared history ([history] url).")

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        from babel.numbers import get_currency_name

        code = value.strip().upper()
        if len(code) != 3 or get_currency_name(code, locale=NAMES_LOCALE) == code:
            raise ValueError(f"'{value}' is not an ISO currency code such as INR, USD or EUR")
        return code

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in OFFERED_LOCALES:
            raise ValueError(f"'{value}' is not an offered number format; use one of {', '.join(OFFERED_LOCALES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"'{value}' is not a time zone such as Asia/Kolkata") from exc
        return value

    _weekdays = field_validator("open_weekdays")(lambda value: _weekday_list(value))

    def is_open(self, day: dt.date) -> bool:
        return WEEKDAYS[day.weekday()] in self.open_weekdays and day not in self.holidays

    def previous_open_day(self, day: dt.date) -> dt.date:
        """The day 'vs yesterday' compares with: Monday's report compares with Saturday in a 6-day shop."""
        candidate = day - dt.timedelta(days=1)
        for _ in range(14):
            if self.is_open(candidate):
                return candidate
            candidate -= dt.timedelta(days=1)
        return day - dt.timedelta(days=1)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """The business's date at `now` (default: this moment), whatever zone the PC's clock is set to."""
        return (now or dt.datetime.now(dt.UTC)).astimezone(self.zone).date()


class SourceSettings(_Section):
    name: str = Field(description="A name for this source, used in warnings and errors.")
    domain: Literal["sales", "leads", "attendance"] = Field(description="What the file holds.")
    kind: str = Field("file", description="file, or a live service: google_sheets, shopify, woocommerce.")
    path: str = Field("", description="Path of the export file (kind = file).")
    format: str = Field("auto", description="auto, a preset (shopify, woocommerce, zkteco...), csv, json or excel.")
    enabled: bool = Field(True, description="Set to false to keep a source listed but unused.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Canonical name = column in the file, when the header is not recognised."
    )
    options: dict[str, str | int | float | bool | list[str]] = Field(
        default_factory=dict, description="Reader options: date_format, delimiter, encoding, sheet, decimal, "
        "header_row; for attendance: present_marks, absent_marks, not_counted_marks (an office's own marks), "
        "month (of a monthly sheet whose days are numbers); for Tally: sales_voucher_types, return_voucher_types, gst.",
    )
    filter: dict[str, list[str]] = Field(
        default_factory=dict, description="Read only rows whose column holds one of the values, e.g. "
        'voucher_type = ["Sales", "GST Supply"].',
    )
    branch: str = Field("", description="Branch this source belongs to (e.g. Naroda); its bills are its own.")

    url: str = Field("", description="For a live service: the shop domain, site URL or sheet link.")
    backfill_days: int = Field(60, ge=1, le=3650, description="For a live service: days fetched on first connection.")
    overlap_days: int = Field(3, ge=0, le=90, description="For a live service: each fetch re-reads this many "
                              "days before the last one (orders are edited).")
    service: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="Extra connection fields a live service declares (never secrets)."
    )

    @field_validator("filter", mode="before")
    @classmethod
    def _filter(cls, value: Any) -> Any:
        """`voucher_type = "Sales"` means the list ["Sales"]."""
        if isinstance(value, dict):
            return {key: [item] if isinstance(item, str) else item for key, item in value.items()}
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        kind = value.strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", kind):
            raise ValueError(f"'{value}' is not a source kind; use file, google_sheets, shopify or woocommerce")
        return kind

    @field_validator("service")
    @classmethod
    def _no_secrets(cls, value: dict[str, str | int | float | bool]) -> dict[str, str | int | float | bool]:
        for key in value:
            if any(word in key.lower() for word in SECRET_WORDS):
                raise ValueError(f"'{key}' looks like a secret: secrets are kept in the OS keyring, never in "
                                 "settings.toml (enter it in Settings → Sources, or `sources connect NAME`)")
        return value

    @model_validator(mode="after")
    def _where(self) -> SourceSettings:
        if self.kind == "file" and not self.path.strip():
            raise ValueError("the path is empty")
        if self.kind != "file" and not self.url.strip():
            raise ValueError(f"a {self.kind} source needs url (the shop domain, site URL or sheet link)")
        return self

    def spec(self, timezone: str | None = None) -> SourceSpec:
        service: dict[str, object] = {}
        if self.kind != "file":
            service = {**self.service, "url": self.url.strip(), "backfill_days": self.backfill_days,
                       "overlap_days": self.overlap_days}
            if timezone:
                service["timezone"] = timezone
        return SourceSpec(
            name=self.name, domain=self.domain, path=self.path, format=self.format,
            columns=dict(self.columns), options=dict(self.options), kind=self.kind, service=service,
            filter={key: tuple(values) for key, values in self.filter.items()},
        )


class AttendanceSettings(_Section):
    headcount: int = Field(
        0, ge=0, description="Staff expected each day; 0 = count the staff seen in the last 30 days."
    )
    roster: str = Field("", description="Optional file listing every employee (one per row); overrides headcount.")


class ReportSettings(_Section):
    stale_after_hours: int = Field(
        0, ge=0, description="Undated files (sales_today.csv...) count only if modified on the report date; "
        "0 = that rule alone, N = also reject files older than N hours.",
    )
    write_csv_log: bool = Field(True, description="Also append each report to business_summary_log.csv.")
    deliver: Literal["always", "unusual", "changed"] = Field(
        "always", description="Send the scheduled report always, only when something is unusual or an alert "
        "fired, or only when the numbers changed since the last report sent.",
    )
    backfill_days: int = Field(
        60, ge=0, le=366, description="On the first report, compute this many past days the sources already "
        "cover into history (0 = none).",
    )


class ScheduleSettings(_Section):
    mode: Literal["daily", "interval", "off"] = Field("daily", description="daily at a time, every N minutes, or off.")
    time: str = Field("19:00", description="Daily report time, HH:MM, in the business time zone.")
    weekdays: list[str] = Field(
        default_factory=lambda: list(WEEKDAYS), description="Days the daily report runs."
    )
    interval_minutes: int = Field(60, ge=1, description="For mode = interval: minutes between reports.")
    send: Literal["auto", "preview"] = Field(
        "auto", description="auto = a scheduled report goes out at once; preview = it waits in the tray for "
        "Send / Edit / Skip first.",
    )
    preview_minutes: int = Field(
        30, ge=1, le=1440, description="For send = preview: minutes to wait before sending it anyway."
    )
    start_at_login: bool = Field(False, description="Start the tray app when you log in to this computer.")
    closed_days: Literal["note", "skip"] = Field(
        "note", description="On a closed day (not an open weekday, or a holiday): send a one-line note, or skip.",
    )

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        try:
            dt.datetime.strptime(value, "%H:%M")
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a time like 19:00") from exc
        return value

    _weekdays = field_validator("weekdays")(lambda value: _weekday_list(value))


class InsightsSettings(_Section):
    provider: Literal["none", "openai", "ollama", "lmstudio", "custom"] = Field(
        "none", description="Who writes the insights: none (rules only, nothing is sent), openai, ollama, lmstudio "
        "or custom (set base_url).",
    )
    base_url: str = Field("", description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; empty = the "
                          "provider's usual address.")
    model: str = Field("", description="Model name, e.g. gpt-4o-mini or llama3.1:8b.")
    temperature: float = Field(0.2, ge=0, le=2, description="0 = plain and repeatable, higher = more varied.")
    timeout_s: float = Field(30.0, gt=0, le=600, description="Seconds to wait for the insights, retries included, "
                             "before the rules write them.")
    max_retries: int = Field(1, ge=0, le=5, description="Retries after a failed call (429, 5xx, connection), "
                             "within timeout_s.")
    language: str = Field("English", description="Language of the AI insights (English, Hindi, Gujarati...).")
    monthly_token_cap: int = Field(0, ge=0, description="Skip the LLM after this many tokens in a month; 0 = no cap.")


class GoalSettings(_Section):
    sales_monthly: float = Field(0.0, ge=0, description="Monthly sales target in your currency; 0 = no target.")
    leads_monthly: int = Field(0, ge=0, description="Monthly new-leads target; 0 = no target.")
    attendance_pct: float = Field(0.0, ge=0, le=100, description="Attendance to hold on average, in %; 0 = none.")


class AlertSettings(_Section):
    rules: list[str] = Field(
        default_factory=list, description="One sentence per alert, e.g. 'sales below 50000 by 17:00', "
        "'attendance under 85%', 'no new lead for 3 hours', 'a source not updated for 2 days'.",
    )
    check_minutes: int = Field(15, ge=1, le=1440, description="While the tray runs, check the alert rules "
                               "every this many minutes.")
    open_hours: str = Field("10:00-19:00", description="Open hours for 'no new lead for N hours' rules, "
                            "HH:MM-HH:MM.")

    @field_validator("open_hours")
    @classmethod
    def _open_hours(cls, value: str) -> str:
        opens, _, closes = value.partition("-")
        try:
            if dt.time.fromisoformat(opens.strip()) >= dt.time.fromisoformat(closes.strip()):
                raise ValueError
        except ValueError as exc:
            raise ValueError(f"'{value}' is not open hours like 10:00-19:00") from exc
        return value.strip()

    @field_validator("rules")
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        cleaned = [" ".join(item.split()) for item in value if item.strip()]
        for item in cleaned:
            parse_rule(item)
        return cleaned


_DESTINATION = re.compile(r"^(me|-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")


class TelegramSettings(_Section):
    enabled: bool = Field(False, description="Send each report to Telegram.")
    account: Literal["bot", "user"] = Field("bot", description="Send as a bot (token) or as your own user account.")
    destinations: list[str] = Field(
        default_factory=list, description="Chats to send to: numeric id, @username, or me (Saved Messages)."
    )
    retry_first_seconds: int = Field(
        30, ge=1, le=3600, description="After a network error, wait this long before the first retry (then doubling)."
    )
    retry_max_seconds: int = Field(
        1800, ge=1, le=86400, description="Longest wait between retries after network errors (the backoff cap)."
    )
    flood_wait_inline_seconds: int = Field(
        30, ge=0, le=600, description="When Telegram asks to wait up to this long, wait and send in the same run; "
        "longer waits are scheduled.",
    )
    late_after_minutes: int = Field(
        15, ge=0, description="A report sent this long after it was computed says 'computed 18:00, sent 18:40'.",
    )
    timeout_seconds: int = Field(20, ge=1, le=300, description="Seconds to wait for Telegram before giving up a try.")

    @field_validator("destinations")
    @classmethod
    def _destinations(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip() for item in value if item.strip()]
        for item in cleaned:
            if not _DESTINATION.match(item):
                raise ValueError(f"'{item}' is not a chat: use a numeric id (-1001234567890), @username, or me")
        return cleaned


class BotSettings(_Section):
    enabled: bool = Field(False, description="Answer commands and questions in Telegram while the app runs.")
    allowed_chats: list[int] = Field(
        default_factory=list, description="Chat ids the bot answers; filled by pairing (`business-orchestrator bot "
        "pair`). Anyone else gets no reply.",
    )
    per_minute: int = Field(6, ge=1, le=60, description="Most messages answered per chat per minute.")


_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_PHONE = re.compile(r"^\+?[1-9]\d{7,14}$")


def _emails(value: list[str]) -> list[str]:
    cleaned = [item.strip() for item in value if item.strip()]
    for item in cleaned:
        if not _EMAIL.match(item):
            raise ValueError(f"'{item}' is not an email address like owner@example.com")
    return cleaned


class EmailSettings(_Section):
    enabled: bool = Field(False, description="Send each report by email.")
    smtp_host: str = Field("", description="Outgoing mail server, e.g. smtp.gmail.com or smtp.office365.com.")
    smtp_port: int = Field(587, ge=1, le=65535, description="587 for STARTTLS, 465 for TLS from the start.")
    security: Literal["starttls", "tls"] = Field(
        "starttls", description="starttls (port 587) or tls (implicit TLS, port 465); mail never goes unencrypted.")
    username: str = Field("", description="Login for the mail server (usually your address); the password or "
                          "app password is kept in the OS keyring.")
    sender: str = Field("", description="From address; empty = the username.")
    recipients: list[str] = Field(default_factory=list, description="Who gets the report (one or more addresses).")
    attach_xlsx: bool = Field(False, description="Attach the day's KPIs as an Excel file.")
    ca_file: str = Field("", description="A CA certificate file for a mail server with a private certificate; "
                         "empty = the system's trusted CAs.")
    timeout_seconds: int = Field(30, ge=1, le=300, description="Seconds to wait for the mail server.")

    _recipients = field_validator("recipients")(lambda value: _emails(value))

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _emails([value])[0] if value.strip() else ""


class SlackSettings(_Section):
    enabled: bool = Field(False, description="Post each report to Slack (the incoming webhook URL is kept in the "
                          "OS keyring).")
    channel_label: str = Field("", description="Which channel the webhook posts to, e.g. #daily-numbers (shown "
                               "in the outbox only; the webhook decides).")
    timeout_seconds: int = Field(20, ge=1, le=300, description="Seconds to wait for Slack.")


class WhatsAppSettings(_Section):
    enabled: bool = Field(False, description="Send each report on WhatsApp (Business Cloud API; the access token "
                          "is kept in the OS keyring).")
    phone_number_id: str = Field("", description="Phone number ID from Meta's WhatsApp Manager (not the number).")
    recipients: list[str] = Field(default_factory=list, description="WhatsApp numbers with country code, e.g. "
                                  "+919812345678.")
    template_name: str = Field("daily_business_summary", description="Name of your approved utility template "
                               "(see the README for its text).")
    template_language: str = Field("en", description="Language code the template was approved in (en, en_US, hi).")
    full_report: bool = Field(True, description="After the template, also send the full report as text (arrives "
                              "only within 24 hours of the owner's last reply).")
    api_base: str = Field("https://graph.facebook.com/v21.0", description="Graph API address and version.")
    timeout_seconds: int = Field(20, ge=1, le=300, description="Seconds to wait for WhatsApp.")

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        cleaned = [item.strip().replace(" ", "").replace("-", "") for item in value if item.strip()]
        for item in cleaned:
            if not _PHONE.match(item):
                raise ValueError(f"'{item}' is not a phone number with country code like +919812345678")
        return cleaned

    @field_validator("phone_number_id")
    @classmethod
    def _phone_id(cls, value: str) -> str:
        value = value.strip()
        if value and not value.isdigit():
            raise ValueError(f"'{value}' is not a phone number ID (digits only, from WhatsApp Manager)")
        return value


class HistorySettings(_Section):
    url: str = Field("", description="Shared history of all branches: postgresql://user@server/database (the "
                     "password is kept in the OS keyring); empty = this PC's own history only (docs/branches.md).")
    tls: Literal["prefer", "require", "disable"] = Field(
        "prefer", description="Encrypt the connection: prefer = when the server offers it, require = always.")
    ca_file: str = Field("", description="The server's CA certificate file: the certificate and host name are then "
                         "checked (empty = encrypted without checking, as PostgreSQL's own tools do).")
    pc_name: str = Field("", max_length=200, description="This PC's name in the shared history; empty = its "
                         "computer name.")
    timeout_seconds: int = Field(15, ge=1, le=300, description="Seconds to wait for the shared database before "
                                 "keeping the report on this PC (it is pushed later).")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        scheme, _, rest = value.partition("://")
        if scheme.partition("+")[0].lower() not in ("postgresql", "postgres", "sqlite"):
            raise ValueError("use a PostgreSQL URL such as postgresql://branch_naroda@server/business")
        user_info = rest.partition("/")[0].rpartition("@")[0]
        if ":" in user_info or "password=" in rest.lower():
            raise ValueError("remove the password from the URL: it is kept in the OS keyring (History settings)")
        return "postgresql" + value[len("postgres"):] if scheme.lower() == "postgres" else value


class Settings(_Section):
    business: BusinessSettings = Field(default_factory=BusinessSettings, description="Your business.")
    attendance: AttendanceSettings = Field(default_factory=AttendanceSettings, description="Attendance counting.")
    report: ReportSettings = Field(default_factory=ReportSettings, description="Report behaviour.")
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings, description="When reports are made.")
    insights: InsightsSettings = Field(default_factory=InsightsSettings, description="AI insights (optional).")
    telegram: TelegramSettings = Field(default_factory=TelegramSettings, description="Telegram delivery.")
    email: EmailSettings = Field(default_factory=EmailSettings, description="Email delivery (SMTP).")
    slack: SlackSettings = Field(default_factory=SlackSettings, description="Slack delivery (incoming webhook).")
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings,
                                       description="WhatsApp delivery (Business Cloud API).")
    goals: GoalSettings = Field(default_factory=GoalSettings, description="Monthly targets.")
    alerts: AlertSettings = Field(default_factory=AlertSettings, description="Alerts sent at once when a rule fires.")
    sources: list[SourceSettings] = Field(default_factory=list, description="Data sources (export files).")
    bot: BotSettings = Field(default_factory=BotSettings, description="Telegram bot that answers questions.")
    history: HistorySettings = Field(default_factory=HistorySettings,
                                     description="Shared history for a business with several branches.")

    def specs(self) -> list[SourceSpec]:
        return [source.spec(self.business.timezone) for source in self.sources if source.enabled]


SOURCES_EXAMPLE = """\
Data sources. Add one [[sources]] table per export file, for example:

[[sources]]
name = "Shop orders"
domain = "sales"           # sales | leads | attendance
path = "C:/Users/me/Documents/orders.csv"
format = "auto"            # auto, or a preset / csv / json / excel
[sources.columns]          # canonical name = column in the file (only when not recognised)
order_id = "InvoiceNo"
date = "InvoiceDate"
quantity = "Quantity"      # amount may be given directly, or derived as quantity x unit_price
unit_price = "UnitPrice"
[sources.options]
date_format = "%d/%m/%Y %H:%M"

A live service instead of a file (the report fetches its own data; see README "Live sources"):

[[sources]]
name = "Shopify"
domain = "sales"
kind = "shopify"           # file | google_sheets | shopify | woocommerce
url = "my-shop.myshopify.com"
backfill_days = 60         # fetched on first connection
overlap_days = 3           # re-read before the last fetch, since orders are edited

Secrets (API keys, Telegram tokens, shop tokens) are never written here: they live in the OS keyring."""


def _format_error(path: Path, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in error["loc"]).replace(".[", "[")
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            names = [str(error["loc"][-1])]
            if isinstance(error.get("input"), dict):
                names += list(error["input"])
            message = "unknown key"
            if any(word in name.lower() for name in names for word in SECRET_WORDS):
                message += " (secrets are kept in the OS keyring, never in settings.toml)"
        lines.append(f"{path}: key '{key}': {message}")
    return "\n".join(lines)


def parse_settings(text: str, path: Path) -> Settings:
    try:
        data = tomlkit.parse(text).unwrap()
    except ParseError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(_format_error(path, exc)) from exc


def load_settings(path: Path) -> Settings:
    """Read settings.toml, writing a commented default file first if there is none."""
    if not path.exists():
        write_default_settings(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read: {exc}") from exc
    return parse_settings(text, path)


def _comment_block(table: tomlkit.items.Table | tomlkit.TOMLDocument, text: str) -> None:
    for line in text.splitlines():
        table.add(tomlkit.comment(line) if line else tomlkit.nl())


def _to_toml(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {key: _to_toml(item) for key, item in value.model_dump(mode="json").items()}
    return value


def render_settings(settings: Settings) -> str:
    """The whole file, each key preceded by its one-line description."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Business Orchestrator settings. Edit by hand or in Settings... in the tray app."))
    doc.add(tomlkit.comment("Each key has a one-line description above it. Secrets are never stored here."))
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if name == "sources":
            continue
        table = tomlkit.table()
        table.comment(field.description or "")
        for key, sub in type(value).model_fields.items():
            table.add(tomlkit.comment(sub.description or ""))
            table.add(key, _dump_value(getattr(value, key)))
        doc.add(tomlkit.nl())
        doc.add(name, table)
    doc.add(tomlkit.nl())
    _comment_block(doc, SOURCES_EXAMPLE)
    if settings.sources:
        array = tomlkit.aot()
        for source in settings.sources:
            array.append(_source_table(source))
        doc.add("sources", array)
    return tomlkit.dumps(doc)


def _dump_value(value: Any) -> Any:
    if isinstance(value, list):
        return [item.isoformat() if isinstance(item, dt.date) else item for item in value]
    return value


def _source_table(source: SourceSettings) -> tomlkit.items.Table:
    table = tomlkit.table()
    keys = ("name", "domain", "path", "format", "enabled") if source.kind == "file" else \
        ("name", "domain", "kind", "url", "backfill_days", "overlap_days", "format", "enabled")
    for key in keys:
        table.add(key, getattr(source, key))
    if source.branch:
        table.add("branch", source.branch)
    for key in ("columns", "options", "filter", "service"):
        mapping = getattr(source, key)
        if mapping:
            inner = tomlkit.table()
            for inner_key, inner_value in mapping.items():
                inner.add(inner_key, inner_value)
            table.add(key, inner)
    return table


def write_default_settings(path: Path) -> None:
    save_settings(Settings(), path)


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically; the previous file is kept as settings.toml.bak so a bad edit can be undone."""
    text = render_settings(settings)
    parse_settings(text, path)  # never write a file we could not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.copy2(path, path.with_suffix(path.suffix + ".bak"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
