"""The one connector registry, and the entry points the rest of the app calls.

Built-in connectors register exactly as third-party ones do (entry-point group
`business_orchestrator.connectors`); a broken plug-in is logged and skipped so it can never stop
the app or the other sources. Every failure while reading reaches the caller as SourceReadError.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pandas as pd

from .base import Connector, Probe, ServiceConnector, SourceFrame, SourceReadError, SourceSpec
from .columns import normalise_header
from .files import EXCEL_SUFFIXES, GENERIC_CONNECTORS, PREVIEW_ROWS, excel_header, find_records
from .parsing import first_row, read_text, sniff_delimiter
from .quoting import column_list, cut, cut_message
from .registers import below_titles, find_header, text_rows
from .sniff import check_readable

ENTRY_POINT_GROUP = "business_orchestrator.connectors"
log = logging.getLogger("business_orchestrator.connectors")

_registry: dict[str, Connector] = {}
_services: dict[str, ServiceConnector] = {}
_state = {"builtins": False, "plugins": False}
PROBE_BYTES = 65536
PREVIEW_CELL_CHARS = 200


def register_connector(connector: Connector | ServiceConnector) -> None:
    """Add a connector; a duplicate key replaces the old one (logged, so a shadowed preset is visible).

    A ServiceConnector (a live source: fetch + frame) goes to the services, keyed by its source kind;
    a file connector (detect + read) to the file formats. One object may not be both.
    """
    if isinstance(connector, ServiceConnector):
        registry: dict = _services
    elif isinstance(connector, Connector):
        registry = _registry
    else:
        raise TypeError(f"not a connector (needs key, label, domain, detect, read; or a service: key, label, "
                        f"domain, fields, incremental, fetch, frame): {connector!r}")
    if connector.key in registry and registry[connector.key] is not connector:
        log.warning("connector %r replaced by %r", connector.key, connector)
    registry[connector.key] = connector


def _load_builtins() -> None:
    if _state["builtins"]:
        return
    from .google_sheets import CONNECTORS as SHEETS
    from .indiamart import CONNECTORS as INDIAMART
    from .muster import CONNECTORS as MUSTER
    from .presets import PRESETS
    from .shopify import CONNECTORS as SHOPIFY
    from .tally import CONNECTORS as TALLY
    from .woocommerce import CONNECTORS as WOOCOMMERCE
    from .zkteco import CONNECTORS as ZKTECO

    _state["builtins"] = True
    for connector in (*GENERIC_CONNECTORS, *PRESETS, *SHOPIFY, *WOOCOMMERCE, *SHEETS, *TALLY, *ZKTECO, *INDIAMART,
                      *MUSTER):
        register_connector(connector)


def _load_entry_point(ep: metadata.EntryPoint) -> None:
    """Register what one entry point offers: a Connector, or a callable returning one or a list."""
    obj = ep.load()
    if isinstance(obj, type) or (callable(obj) and not isinstance(obj, (Connector, ServiceConnector))):
        obj = obj()
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    for item in items:
        register_connector(item)


def _load_plugins() -> None:
    _state["plugins"] = True
    try:
        eps = metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:
        log.exception("cannot list connector entry points")
        return
    for ep in eps:
        try:
            _load_entry_point(ep)
        except Exception:
            # One broken plug-in must not stop the app or the other sources.
            log.exception("skipping broken connector entry point %r", getattr(ep, "name", ep))


def connectors(refresh: bool = False) -> dict[str, Connector]:
    """All connectors by key: built-ins first, then plug-ins (which may replace a built-in)."""
    _load_builtins()
    if refresh or not _state["plugins"]:
        _load_plugins()
    return dict(_registry)


def services(refresh: bool = False) -> dict[str, ServiceConnector]:
    """All live-service connectors by source kind (built-ins, then plug-ins)."""
    connectors(refresh)
    return dict(_services)


def service_for(spec: SourceSpec) -> ServiceConnector:
    """The service connector of a source's kind, or a sentence listing the installed kinds."""
    service = services().get(spec.kind)
    if service is None:
        kinds = ", ".join(["file", *sorted(services())])
        raise SourceReadError(spec.name, f"unknown source kind '{spec.kind}'; valid kinds: {kinds}")
    if service.domain not in (None, spec.domain):
        raise SourceReadError(spec.name, f"kind '{spec.kind}' gives {service.domain}, but this source is {spec.domain}")
    return service


def probe_file(path: str | Path) -> Probe:
    """Look at the start of a file cheaply so connectors can recognise it."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        try:
            header = excel_header(path)
        except Exception as exc:  # a corrupt workbook: let read() report it properly
            log.info("cannot probe %s: %s", path, exc)
            header = ()
        return Probe(path, suffix, "", header)
    head = read_text(path, limit=PROBE_BYTES)
    if suffix == ".json" or head.lstrip().startswith(("{", "[")):
        return Probe(path, suffix, head, (), _json_keys(path, head))
    delimiter = sniff_delimiter(below_titles(head))
    layout = find_header(text_rows(head, delimiter))
    return Probe(path, suffix, head, layout.names if layout.row or layout.sub else first_row(head, delimiter))


def _json_keys(path: Path, head: str) -> tuple[str, ...]:
    """Keys of the first record, or the top-level keys when there is no record list."""
    if path.stat().st_size <= 5 * 1024 * 1024:
        try:
            doc = json.loads(read_text(path))
        except (ValueError, OSError):
            return ()
        records = find_records(doc)
        if records and isinstance(records[0], dict):
            return tuple(records[0])
        return tuple(doc) if isinstance(doc, dict) else ()
    import re

    seen = dict.fromkeys(re.findall(r'"([^"\\]{1,80})"\s*:', head))
    return tuple(seen)


def recognise(spec: SourceSpec) -> Connector:
    """The connector for a source: the named one, or the most confident one for its domain."""
    registry = connectors()
    if spec.format and spec.format != "auto":
        connector = registry.get(spec.format)
        if connector is None:
            valid = ", ".join(sorted(registry))
            raise SourceReadError(spec.name, f"unknown format '{spec.format}'; valid formats: auto, {valid}")
        if connector.domain not in (None, spec.domain):
            raise SourceReadError(
                spec.name,
                f"format '{spec.format}' reads {connector.domain}, but this source is {spec.domain}",
            )
        return connector
    probe = probe_file(spec.file)
    best, best_score = None, 0
    for connector in registry.values():
        if connector.domain not in (None, spec.domain):
            continue
        try:
            score = int(connector.detect(probe))
        except Exception:
            log.exception("connector %r failed to detect %s", connector.key, spec.file)
            continue
        if score > best_score:
            best, best_score = connector, score
    if best is None:
        header = column_list(probe.header or probe.json_keys)
        formats = ", ".join(sorted(key for key, c in registry.items() if c.domain == spec.domain))
        raise SourceReadError(
            spec.name, f"cannot recognise {spec.file.name} as {spec.domain} (columns: {header}); name its columns "
                       f"under [sources.columns] in settings.toml (or in the source editor), or, if it is one of "
                       f"these exports, set format to it: {formats}"
        )
    return best


def _check(spec: SourceSpec, frame: SourceFrame) -> SourceFrame:
    """Reject a connector answer that breaks the contract, naming the source (third-party safety)."""
    from .base import REQUIRED_COLUMNS

    if not isinstance(frame, SourceFrame):
        raise SourceReadError(spec.name, f"connector returned {type(frame).__name__}, not a SourceFrame")
    missing = [c for c in (*REQUIRED_COLUMNS[spec.domain], "_row") if c not in frame.frame.columns]
    if missing:
        raise SourceReadError(spec.name, f"connector '{frame.connector}' gave no {', '.join(missing)} column")
    return frame


def _check_file(spec: SourceSpec) -> None:
    """A folder, a missing file or a binary file named like an export: one sentence, nothing parsed.

    Connectors that read a binary format of their own say so with a true `binary` attribute.
    """
    if spec.format not in ("", "auto"):
        connector = connectors().get(spec.format)
        if connector is not None and getattr(connector, "binary", False):
            if not spec.file.is_file():
                check_readable(spec.name, spec.file)  # says "folder" or "not found"
            return
    check_readable(spec.name, spec.file)


def _unexpected(spec: SourceSpec, exc: Exception, verb: str) -> SourceReadError:
    """A failure no reader foresaw: logged with its traceback for us, one cut sentence for the owner."""
    log.exception("%s source %r (%s) failed", verb, spec.name, spec.file)
    return SourceReadError(spec.name, f"cannot {verb} {spec.file.name}: {type(exc).__name__}: {cut_message(exc)}")


def read_source(spec: SourceSpec) -> SourceFrame:
    """Read one source into its canonical frame; every failure is a SourceReadError naming it."""
    _check_file(spec)
    try:
        connector = recognise(spec)
        return _check(spec, connector.read(spec))
    except SourceReadError:
        raise
    except MemoryError as exc:
        raise SourceReadError(spec.name, f"{spec.file.name} is too large to read on this PC") from exc
    except Exception as exc:
        raise _unexpected(spec, exc, "read") from exc


def _raw_head(spec: SourceSpec, connector: Connector, rows: int) -> pd.DataFrame:
    """First rows of the file as strings, the way a person would see them in a spreadsheet."""
    custom = getattr(connector, "preview_raw", None)
    if callable(custom):
        return custom(spec, rows)
    from .files import read_csv_table, read_excel_table, read_json_table

    small = replace(spec, options={**spec.options, PREVIEW_ROWS: rows})
    suffix = spec.file.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame = read_excel_table(small)
    elif suffix == ".json" or connector.key in ("json", "indiamart", "seed_leads"):
        frame = read_json_table(small)
    else:
        frame = read_csv_table(small)
    frame = frame.astype(object).where(frame.notna(), "").astype("str")
    frame.columns = [cut(c, PREVIEW_CELL_CHARS) for c in frame.columns]  # a 5 MB cell stays out of the dialog
    return frame.map(lambda value: cut(value, PREVIEW_CELL_CHARS))


def preview(spec: SourceSpec, rows: int = 20) -> tuple[pd.DataFrame, SourceFrame]:
    """First raw rows and the canonical frame of those rows, for the settings dialog's live preview."""
    _check_file(spec)
    try:
        connector = recognise(spec)
        raw = _raw_head(spec, connector, rows)
        small = replace(spec, options={**spec.options, PREVIEW_ROWS: rows})
        return raw, _check(spec, connector.read(small))
    except SourceReadError:
        raise
    except Exception as exc:
        raise _unexpected(spec, exc, "preview") from exc


__all__ = ["ENTRY_POINT_GROUP", "connectors", "normalise_header", "preview", "probe_file", "read_source",
           "recognise", "register_connector", "service_for", "services"]
