"""The 标证通 QR code painted from the core's module matrix (no Pillow), with a countdown."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..i18n import translate
from ..theme import set_role


class QrWidget(QWidget):
    """Square, dark modules on white; the quiet zone is part of the matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qrCode")
        self._matrix: list[list[bool]] = []
        self._dimmed = False
        self.payload = ""
        self.setMinimumSize(180, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(220, 220)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def set_payload(self, payload: str) -> None:
        from hy_client.qr import qr_matrix  # qrcode and the API models: not at start-up

        self.payload = payload
        self._matrix = qr_matrix(payload) if payload else []
        self._dimmed = False
        self.setAccessibleName(translate("QrPanel", "二维码") if payload else "")
        self.update()

    def set_dimmed(self, dimmed: bool) -> None:
        """An expired code is greyed out so nobody scans it."""
        self._dimmed = dimmed
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        side = min(self.width(), self.height())
        x0, y0 = (self.width() - side) / 2, (self.height() - side) / 2
        painter.fillRect(QRectF(x0, y0, side, side), QColor("white"))
        if self._matrix:
            n = len(self._matrix)
            cell = side / n
            dark = QColor("#b0b0b0") if self._dimmed else QColor("black")
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(dark)
            for r, row in enumerate(self._matrix):
                for c, on in enumerate(row):
                    if on:  # a hair of overlap avoids seams between modules when scaled
                        painter.drawRect(QRectF(x0 + c * cell, y0 + r * cell,
                                                cell + 0.5, cell + 0.5))
        painter.end()


class QrPanel(QWidget):
    """A code with its countdown and a status line; emits ``expired`` when time runs out."""

    expired = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = QrWidget()
        self.countdown = QLabel()
        self.countdown.setObjectName("qrCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel()
        self.status.setObjectName("qrStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.code, 1, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.countdown)
        layout.addWidget(self.status)
        self._expires_at: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def show_code(self, payload: str, expires_at: datetime) -> None:
        self.code.set_payload(payload)
        self.code.show()
        self.countdown.show()
        self._expires_at = expires_at
        self._timer.start()
        self._tick()

    def stop(self) -> None:
        self._timer.stop()

    def finish(self, text: str, role: str = "info") -> None:
        """The code was used (or the job ended): take it away so nobody scans it again."""
        self.stop()
        self.code.hide()
        self.countdown.hide()
        self.set_status(text, role)

    def seconds_left(self) -> int:
        if self._expires_at is None:
            return 0
        return max(0, int((self._expires_at - datetime.now(UTC)).total_seconds()))

    def set_status(self, text: str, role: str = "info") -> None:
        self.status.setText(text)
        set_role(self.status, role)

    def expire_now(self) -> None:
        """The platform said the code expired (clocks differ): same as the countdown ending."""
        self._expires_at = datetime.now(UTC)
        self._tick()

    def _tick(self) -> None:
        left = self.seconds_left()
        if left > 0:
            self.countdown.setText(translate("QrPanel", "二维码 {n} 秒后失效").format(n=left))
            return
        self._timer.stop()
        self.code.set_dimmed(True)
        self.countdown.setText(translate("QrPanel", "二维码已失效"))
        self.expired.emit()
