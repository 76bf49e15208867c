"""Tabs whose pages scroll: a page taller than a small screen gets a scroll bar instead of pushing the
dialog's OK / Cancel off the bottom. Every tab added gets this without doing anything itself."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


def scrolled(page: QWidget) -> QScrollArea:
    """`page` inside a frameless, resizable scroll area (a page that already scrolls is returned as it is)."""
    if isinstance(page, QScrollArea):
        return page
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(page)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the page's fields, not the scroll area
    return area


def with_mnemonic(title: str, taken: set[str]) -> str:
    """`title` with an Alt+letter marker on its first letter no other tab uses ("&Sources", "S&chedule")."""
    if "&" in title:
        return title
    for index, char in enumerate(title):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{title[:index]}&{title[index:]}"
    return title


class PageTabs(QTabWidget):
    """A QTabWidget that wraps each page in a scroll area and gives each tab an Alt+letter; pages are still
    addressed as themselves (`setCurrentWidget(page)`, `currentWidget() is page`, `indexOf(page)`)."""

    def _taken(self) -> set[str]:
        taken = set()
        for index in range(self.count()):
            text = self.tabText(index)
            if "&" in text[:-1]:
                taken.add(text[text.index("&") + 1].lower())
        return taken

    def addTab(self, page: QWidget, title: str, *args) -> int:
        return super().addTab(scrolled(page), with_mnemonic(title, self._taken()), *args)

    def insertTab(self, index: int, page: QWidget, title: str, *args) -> int:
        return super().insertTab(index, scrolled(page), with_mnemonic(title, self._taken()), *args)

    def title(self, index: int) -> str:
        """The tab's text as the owner reads it (without the mnemonic marker)."""
        return self.tabText(index).replace("&", "")

    def _wrapper(self, page: QWidget) -> QWidget:
        for index in range(self.count()):
            wrapper = super().widget(index)
            if wrapper is page or (isinstance(wrapper, QScrollArea) and wrapper.widget() is page):
                return wrapper
        return page

    @staticmethod
    def _page(wrapper: QWidget | None) -> QWidget | None:
        if isinstance(wrapper, QScrollArea) and type(wrapper) is QScrollArea and wrapper.widget() is not None:
            return wrapper.widget()
        return wrapper

    def setCurrentWidget(self, page: QWidget) -> None:
        super().setCurrentWidget(self._wrapper(page))

    def currentWidget(self) -> QWidget | None:
        return self._page(super().currentWidget())

    def widget(self, index: int) -> QWidget | None:
        return self._page(super().widget(index))

    def indexOf(self, page: QWidget) -> int:
        return super().indexOf(self._wrapper(page))
