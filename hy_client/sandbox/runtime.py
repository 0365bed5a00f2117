"""One sandbox instance's live parts: settings, connection pool, trust store, rule context.

``prepare`` runs on start: the database schema, the test CA, the demo data (first start only)
and the signed driver repository. It needs no FastAPI, so the CLI's review and provisioning
commands use it too.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from pathlib import Path

from cryptography import x509

from .. import auth
from ..api import models
from ..private import open_private
from . import db
from .ca import TestCA
from .service import Context
from .settings import SandboxSettings

log = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: SandboxSettings, references: models.ReferenceLists) -> None:
        self.settings = settings
        self.pool = db.Pool(settings.db_path)
        self._trust: auth.TrustStore | None = None
        self._ca: TestCA | None = None
        self._lock = threading.Lock()
        self.ctx = Context(origin=settings.origin, now=settings.now, trust=self.trust,
                           references=references)
        self.drivers_dir: Path | None = None
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        """The instance's HMAC key (client cookies, idempotency fingerprints), kept in a
        user-only file beside the database and never in it: a copied database reveals nothing
        a fingerprint was computed over."""
        with self._lock:
            if self._secret is None:
                self._secret = load_secret(self.settings.data_dir / SECRET_FILE)
            return self._secret

    def prepare(self, *, drivers: bool = True) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        db.init_db(self.settings.db_path)
        self.trust()
        with self.pool.connection() as conn, db.write(conn):
            if self.settings.demo_data and db.get_meta(conn, "demo_seeded") is None:
                from .demo import seed

                seed(conn, self.ctx)
                db.set_meta(conn, "demo_seeded", "1")
        if drivers:
            self.drivers_dir = prepare_drivers(self.settings)

    def ca(self) -> TestCA:
        """The test CA with its keys, which issues renewed certificates."""
        with self._lock:
            if self._ca is None:
                self._ca = TestCA.create(self.settings.ca_dir)
            return self._ca

    def trust(self) -> auth.TrustStore:
        """The CA's root and issuing certificates (created on first use)."""
        with self._lock:
            if self._trust is None:
                self._trust = load_trust(self.settings.ca_dir)
            return self._trust


SECRET_FILE = "server-secret.key"  # noqa: S105 - a file name


def load_secret(path: Path) -> bytes:
    """32 random bytes, made once with mode 0600."""
    try:
        secret = path.read_bytes()
        if len(secret) >= 32:
            return secret
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret)
    try:
        os.link(tmp, path)  # the first writer wins when several workers start at once
    except FileExistsError:
        tmp.unlink()
        return path.read_bytes()
    tmp.unlink()
    return secret


def load_trust(ca_dir: Path) -> auth.TrustStore:
    """The RSA test CA and the 国密 SM2 test CA (in ``sm2/``), each created on first use."""
    from .ca import TestCA
    from .sm2ca import Sm2TestCA

    ca = TestCA.create(ca_dir)  # loads the one kept there, if any
    roots, intermediates = [ca.root], [ca.issuing]
    from .. import sm2

    if sm2.available():
        gm = Sm2TestCA.create(ca_dir / "sm2")
        roots.append(gm.root)
        intermediates.append(gm.issuing)
    return auth.TrustStore(roots=roots, intermediates=intermediates)


def prepare_drivers(settings: SandboxSettings) -> Path | None:
    """The signed catalogue and test package, when the driver repository builder is present."""
    try:
        from .driver_repo import ensure_driver_repo
    except ImportError:
        return None
    try:
        return ensure_driver_repo(settings.data_dir, settings.origin)
    except OSError as exc:  # e.g. no SoftHSM module to package on this machine
        log.warning("driver repository not built: %s", type(exc).__name__)
        return None


def trusted_pem(trust: auth.TrustStore) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    certs: list[x509.Certificate] = [*trust.roots, *trust.intermediates]
    return b"".join(c.public_bytes(Encoding.PEM) for c in certs)
