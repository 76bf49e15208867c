"""Business Orchestrator: the evening business report, built from a shop's own exports."""

__version__ = "0.1.0"
