"""Google Sheets (placeholder until the reader lands in this branch)."""

CONNECTORS = ()
