"""A small test CA (root + issuing CA) for the sandbox's trust store, the demo token and tests.

Certificates look like those of Chinese CAs: Chinese O and CN, the 统一社会信用代码 in
serialNumber. Stored as PEM files in a directory (``root.pem``, ``issuing.pem``, their keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..private import write_private

CaKey = Literal["rsa", "ec"]
_FILES = ("root.pem", "root.key", "issuing.pem", "issuing.key")


def _new_key(kind: CaKey) -> Any:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str, organization: str = "衡阳测试CA中心") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca_cert(subject: x509.Name, key: Any, issuer: x509.Name, signer: Any, path_len: int,
             now: datetime, days: int) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(signer, hashes.SHA256()))


@dataclass
class TestCA:
    """Root and issuing CA; ``issue`` makes end-entity certificates for token keys."""

    __test__ = False  # not a pytest test class

    root: x509.Certificate
    root_key: Any
    issuing: x509.Certificate
    issuing_key: Any
    directory: Path | None = None

    @classmethod
    def create(cls, directory: str | Path | None = None, *, key: CaKey = "rsa",
               name: str = "衡阳测试CA") -> TestCA:
        """A new CA; kept in ``directory`` as PEM files when given (reused if present)."""
        if directory is not None and all((Path(directory) / f).exists() for f in _FILES):
            return cls.load(directory)
        now = datetime.now(UTC)
        root_key, issuing_key = _new_key(key), _new_key(key)
        root_name, issuing_name = _name(f"{name} 根证书"), _name(f"{name} 签发证书")
        root = _ca_cert(root_name, root_key, root_name, root_key, 1, now, 3650)
        issuing = _ca_cert(issuing_name, issuing_key, root_name, root_key, 0, now, 3650)
        ca = cls(root, root_key, issuing, issuing_key)
        if directory is not None:
            ca.save(directory)
        return ca

    @classmethod
    def load(cls, directory: str | Path) -> TestCA:
        d = Path(directory)
        return cls(
            x509.load_pem_x509_certificate((d / "root.pem").read_bytes()),
            serialization.load_pem_private_key((d / "root.key").read_bytes(), None),
            x509.load_pem_x509_certificate((d / "issuing.pem").read_bytes()),
            serialization.load_pem_private_key((d / "issuing.key").read_bytes(), None), d)

    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        for name, cert in (("root.pem", self.root), ("issuing.pem", self.issuing)):
            (d / name).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        for name, key in (("root.key", self.root_key), ("issuing.key", self.issuing_key)):
            write_private(d / name, key.private_bytes(serialization.Encoding.PEM,
                                                      serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
        self.directory = d
        return d

    def trust_pem(self) -> bytes:
        """The root, as a trust store reads it."""
        return self.root.public_bytes(serialization.Encoding.PEM)

    def chain_pem(self) -> bytes:
        return self.issuing.public_bytes(serialization.Encoding.PEM) + self.trust_pem()

    def issue(self, public_key: Any, *, cn: str, organization: str = "",
              uscc: str | None = None, not_before: datetime | None = None,
              not_after: datetime | None = None, days: int = 365,
              digital_signature: bool = True, key_encipherment: bool = True,
              key_agreement: bool = False, client_auth: bool = True,
              extended_usages: list[x509.ObjectIdentifier] | None = None) -> x509.Certificate:
        """An end-entity certificate; the USCC goes into the subject's serialNumber.

        ``extended_usages`` replaces the EKU (``[]``: no EKU extension at all)."""
        now = datetime.now(UTC)
        not_before = not_before or now - timedelta(hours=1)
        not_after = not_after or not_before + timedelta(days=days)
        attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
        if organization:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
        if uscc:
            attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, uscc))
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
        return self.issue_for(public_key, x509.Name(attrs), not_before=not_before,
                              not_after=not_after, digital_signature=digital_signature,
                              key_encipherment=key_encipherment, key_agreement=key_agreement,
                              client_auth=client_auth, extended_usages=extended_usages)

    def issue_for(self, public_key: Any, subject: x509.Name, *, not_before: datetime,
                  not_after: datetime, digital_signature: bool = True,
                  key_encipherment: bool = True, key_agreement: bool = False,
                  client_auth: bool = True,
                  extended_usages: list[x509.ObjectIdentifier] | None = None
                  ) -> x509.Certificate:
        """An end-entity certificate for ``subject`` as given (a renewal keeps the old one).

        ``extended_usages`` replaces the EKU (``[]``: no EKU extension at all)."""
        builder = (
            x509.CertificateBuilder().subject_name(subject)
            .issuer_name(self.issuing.subject).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=digital_signature, content_commitment=False,
                key_encipherment=key_encipherment, data_encipherment=False,
                key_agreement=key_agreement, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.issuing_key.public_key()), critical=False))
        if extended_usages is None:
            extended_usages = [ExtendedKeyUsageOID.CLIENT_AUTH] if client_auth else []
        if extended_usages:
            builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usages),
                                            critical=False)
        return builder.sign(self.issuing_key, hashes.SHA256())
