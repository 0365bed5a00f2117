"""Only one running instance: a second start asks the first to raise its window and exits."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from hy_client import config

_MESSAGE = b"raise\n"


def server_name() -> str:
    """Per user and per config dir (a test's or a second profile's instance is separate)."""
    key = f"{getpass.getuser()}|{config.config_dir()}".encode()
    return "hy-client-" + hashlib.sha256(key).hexdigest()[:16]


class SingleInstance(QObject):
    """``acquire()`` is True for the first instance; it then emits ``activated`` on each knock."""

    activated = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server: QLocalServer | None = None

    def knock(self, timeout_ms: int = 500) -> bool:
        """Tell a running instance to show itself; False when none answers."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(_MESSAGE)
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def acquire(self) -> bool:
        if self.knock():
            return False
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        server = QLocalServer(self)  # owned by this object (C++), removed with deleteLater
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            return False
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_read)
            socket.disconnected.connect(socket.deleteLater)

    def _on_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and bytes(socket.readAll().data()).startswith(
                _MESSAGE.strip()):
            self.activated.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
