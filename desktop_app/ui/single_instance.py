"""One tray app per user and app home: a second launch asks the first one to show its window, then exits.

QLocalServer is a named pipe on Windows and a Unix socket elsewhere. The name includes the user
and the config folder, so a test (or a portable install) with its own home is its own instance.
"""

from __future__ import annotations

import getpass
import logging

from PySide6.QtCore import QCryptographicHash, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("business_orchestrator.ui")
SHOW = b"show\n"
CONNECT_TIMEOUT_MS = 500


def server_name(config_dir: str) -> str:
    """SHA-256 from QtCore, already loaded: hashlib would load OpenSSL on the start-up path."""
    key = f"{getpass.getuser()}\0{config_dir}".encode()
    digest = QCryptographicHash.hash(key, QCryptographicHash.Algorithm.Sha256).toHex().data().decode()[:16]
    return f"business-orchestrator-{digest}"


def ask_running_instance(name: str) -> bool:
    """True when another instance answered and was told to come forward (this one should then quit)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(SHOW)
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class SingleInstance(QObject):
    """The first instance's listener; emits `show_requested` when a later launch knocks."""

    show_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        if not self.server.listen(self.name):
            # A socket left behind by a crashed instance (nobody answered ask_running_instance).
            QLocalServer.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning("single-instance server %s: %s", self.name, self.server.errorString())
                return False
        return True

    def close(self) -> None:
        self.server.close()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if SHOW.strip() in bytes(socket.readAll().data()):
            self.show_requested.emit()
