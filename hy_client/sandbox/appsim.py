"""The 标证通 phone-app simulator: binds its own EC P-256 device key and answers login QR codes.

The device key and id are kept under the sandbox data dir, so ``bind`` once and ``scan`` many
times. It talks HTTP to the running sandbox like the real app would.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .. import auth, errors
from ..api import models
from .appqr import bind_message, decision_message, fingerprint, scan_message

KEY_FILE = "app-device.pem"
STATE_FILE = "app-device.json"
TIMEOUT = 10.0


@dataclass
class AppSimulator:
    data_dir: Path
    url: str
    device_name: str = "标证通模拟器"

    @property
    def api(self) -> str:
        return self.url.rstrip("/") + "/api/v1"

    def _key(self) -> ec.EllipticCurvePrivateKey:
        path = self.data_dir / KEY_FILE
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            return key
        key = ec.generate_private_key(ec.SECP256R1())
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
        return key

    def device_id(self) -> str:
        try:
            return str(json.loads((self.data_dir / STATE_FILE).read_text("utf-8"))["device_id"])
        except (OSError, ValueError, KeyError):
            raise errors.HyError(errors.SANDBOX_DEVICE_MISSING) from None

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = requests.post(self.api + path, json=body, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise errors.HyError(errors.NETWORK_UNREACHABLE, type(exc).__name__) from None
        try:
            data = response.json()
        except ValueError:
            raise errors.HyError(errors.API_BAD_RESPONSE, str(response.status_code)) from None
        if response.status_code >= 400:
            code = data.get("error", {}).get("code", "") if isinstance(data, dict) else ""
            raise errors.HyError(errors.lookup(code), f"HTTP {response.status_code}")
        return dict(data)

    def public_key_b64(self) -> str:
        return auth.b64encode(self._key().public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))

    def fingerprint(self) -> str:
        """What the phone shows beside its name, for the desktop's confirmation."""
        return fingerprint(auth.b64decode_strict(self.public_key_b64()))

    def _sign(self, message: bytes) -> str:
        return auth.b64encode(auth.sign_message(self._key(), "ES256", message))

    def bind(self, payload: str) -> models.Device:
        """Offer this phone's key, signed with it; bound once the desktop confirms."""
        public = self.public_key_b64()
        device = models.Device.model_validate(self._post("/app/bind", {
            "payload": payload, "device_public_key": public, "device_name": self.device_name,
            "signature": self._sign(bind_message(payload, public, self.device_name))}))
        (self.data_dir / STATE_FILE).write_text(json.dumps({"device_id": device.id}), "utf-8")
        return device

    def scan(self, payload: str, approve: bool | None = True) -> models.QrStatus:
        """Scan a login QR (signed), then approve or deny it (None: only scan)."""
        device_id = self.device_id()
        status = models.QrStatus.model_validate(self._post("/app/scan", {
            "payload": payload, "device_id": device_id,
            "signature": self._sign(scan_message(payload, device_id))}))
        if approve is None:
            return status
        return models.QrStatus.model_validate(self._post("/app/decide", {
            "payload": payload, "device_id": device_id, "approve": approve,
            "signature": self._sign(decision_message(payload, approve))}))
