"""Data-source readers: a path and options in, a canonical frame for one domain out.

The registry (and with it pandas) is imported on first use, not with the package: settings and
the tray import `connectors.base` on their start-up path and must stay light.
"""

from typing import TYPE_CHECKING, Any

from .base import (
    CONTACT_COLUMNS,
    DATE_COLUMN,
    DOMAINS,
    NOT_SALE_STATUSES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CellIssue,
    Connector,
    Domain,
    Probe,
    SourceFrame,
    SourceReadError,
    SourceSpec,
)

if TYPE_CHECKING:
    from .registry import (
        ENTRY_POINT_GROUP,
        connectors,
        preview,
        probe_file,
        read_source,
        recognise,
        register_connector,
    )

_REGISTRY_NAMES = frozenset(
    {"ENTRY_POINT_GROUP", "connectors", "preview", "probe_file", "read_source", "recognise", "register_connector"}
)


def __getattr__(name: str) -> Any:
    if name in _REGISTRY_NAMES:
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "CONTACT_COLUMNS",
    "DATE_COLUMN",
    "DOMAINS",
    "ENTRY_POINT_GROUP",
    "NOT_SALE_STATUSES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "CellIssue",
    "Connector",
    "Domain",
    "Probe",
    "SourceFrame",
    "SourceReadError",
    "SourceSpec",
    "connectors",
    "preview",
    "probe_file",
    "read_source",
    "recognise",
    "register_connector",
]
