"""Only one running instance: a second start asks the first to raise its window and exits.

Two halves, so the first window need not wait for QtNetwork: ``knock()`` (before any window,
plain Python: a Unix socket, or the named pipe on Windows) asks a running copy to show itself;
``listen()`` (after the first frame) makes this copy the one that answers, with QLocalServer. A
copy that loses the race to listen knocks again and steps aside.
"""

from __future__ import annotations

import os
import sys
import zlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from hy_client import dirs

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

_MESSAGE = b"raise\n"


def server_name() -> str:
    """Per user and per config dir (a test's or a second profile's instance is separate)."""
    key = f"{_user()}|{dirs.config_dir()}".encode()
    return f"hy-client-{zlib.crc32(key):08x}"


def _user() -> str:
    """``getpass.getuser()``: the variables it reads first, and it only when none is set (its
    import costs ~0.6 ms before the first window); the same answer, so the name does not
    change with how the user is found (a test holds the two equal)."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if user := os.environ.get(variable):
            return user
    import getpass

    return getpass.getuser()


def server_address(name: str) -> str:
    """What QLocalServer listens on and ``knock`` connects to: the pipe name on Windows, a
    socket file in the temp dir elsewhere (given to Qt as a full path, so both agree)."""
    if sys.platform == "win32":
        return name
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", name)  # noqa: S108


class SingleInstance(QObject):
    """``acquire()`` is True for the first instance; it then emits ``activated`` on each knock."""

    activated = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.address = server_address(self.name)
        self._server: QLocalServer | None = None

    def knock(self, timeout: float = 0.5) -> bool:
        """Tell a running instance to show itself; False when none answers."""
        if sys.platform == "win32":
            try:
                with open(rf"\\.\pipe\{self.address}", "wb", buffering=0) as pipe:
                    pipe.write(_MESSAGE)
            except OSError:
                return False
            return True
        if not os.path.exists(self.address):  # the usual first start: no socket module needed
            return False
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect(self.address)
                sock.sendall(_MESSAGE)
            except OSError:  # no socket file, or a stale one left by a crash
                return False
        return True

    def listen(self) -> bool:
        """Answer later knocks; False when another copy got there first (it was knocked)."""
        from PySide6.QtNetwork import QLocalServer

        if self.knock():
            return False
        QLocalServer.removeServer(self.address)  # a stale socket left by a crash
        server = QLocalServer(self)  # owned by this object (C++), removed with deleteLater
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.address):
            return False
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def acquire(self) -> bool:
        return not self.knock() and self.listen()

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():  # arrived with the connection
                self._read(socket)

    def _on_read(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_MESSAGE.strip()):
            self.activated.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
