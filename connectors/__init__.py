"""Data-source readers: a path and options in, a canonical frame for one domain out."""

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
from .registry import (
    ENTRY_POINT_GROUP,
    connectors,
    preview,
    probe_file,
    read_source,
    recognise,
    register_connector,
)

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
