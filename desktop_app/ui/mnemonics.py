"""Alt+letter for every button and labelled field, so the whole window works without a mouse.

`assign_mnemonics(root, taken)` marks the first free letter of each visible-text button and each
form label with a buddy under `root` (letters in `taken`, and ones already marked, are skipped).
Tabs added later get theirs from PageTabs; a page's own widgets get theirs when the dialog calls this.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


def marked_letter(text: str) -> str | None:
    index = text.replace("&&", "").find("&")
    stripped = text.replace("&&", "")
    return stripped[index + 1].lower() if 0 <= index < len(stripped) - 1 else None


def _targets(root: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        button = isinstance(widget, QAbstractButton) and type(widget).__name__ != "QToolButton"
        label = isinstance(widget, QLabel) and widget.buddy() is not None
        if (button or label) and widget.text().strip():
            found.append(widget)
    return found


def assign_mnemonics(root: QWidget, taken: set[str] | None = None) -> set[str]:
    """Give every button and buddied label under `root` an Alt+letter; returns the letters now in use."""
    taken = set(taken or ())
    targets = _targets(root)
    for widget in targets:
        letter = marked_letter(widget.text())
        if letter:
            taken.add(letter)
    for widget in targets:
        text = widget.text()
        if marked_letter(text) or "<" in text:  # rich-text labels keep their words as they are
            continue
        for index, char in enumerate(text):
            if char.isalnum() and char.isascii() and char.lower() not in taken:
                taken.add(char.lower())
                widget.setText(f"{text[:index]}&{text[index:]}")
                break
    return taken
