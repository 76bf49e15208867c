"""The one "the user cancelled" exception, in a module of its own so the tray can recognise it without
importing the pipeline (and pandas with it)."""


class Cancelled(Exception):
    """The user cancelled the run (tray: Cancel while generating)."""
