"""The tray app (PySide6). Qt is imported only under this package; the core never imports it."""
