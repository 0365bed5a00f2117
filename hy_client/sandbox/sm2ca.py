"""The sandbox's 国密 test CA: an SM2 root and issuing CA that sign with SM2-with-SM3.

``cryptography`` can read SM2 certificates but cannot make them, so the TBSCertificate is built
with asn1crypto and signed through ``hy_client.sm2`` (Z_A over the default ID, as GM/T 0015
certificates are). Kept beside the RSA test CA, in ``<ca dir>/sm2/``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as akeys
from asn1crypto import x509 as ax509
from cryptography import x509

from .. import sm2
from ..private import write_private

_FILES = ("root.der", "root.key", "issuing.der", "issuing.key")


def _name(cn: str, organization: str = "", uscc: str | None = None) -> ax509.Name:
    attrs: dict[str, str] = {"country_name": "CN"}
    if organization:
        attrs["organization_name"] = organization
    if uscc:
        attrs["serial_number"] = uscc
    attrs["common_name"] = cn
    return ax509.Name.build(attrs, use_printable=False)


def _time(value: datetime) -> ax509.Time:
    kind = "utc_time" if value.year < 2050 else "general_time"
    return ax509.Time({kind: value.astimezone(UTC).replace(microsecond=0)})


def _key_id(public: sm2.PublicKey) -> bytes:
    return sm2.sm3(public.point)[:20]


def build_certificate(*, subject: ax509.Name, issuer: ax509.Name, public: sm2.PublicKey,
                      signer: sm2.PrivateKey, not_before: datetime, not_after: datetime,
                      ca: bool, key_usage: set[str], client_auth: bool = False,
                      issuer_key_id: bytes | None = None) -> bytes:
    """A DER X.509 v3 certificate with an SM2 key, signed SM2-with-SM3 by ``signer``."""
    extensions: list[dict[str, object]] = [
        {"extn_id": "basic_constraints", "critical": True,
         "extn_value": {"ca": ca, "path_len_constraint": 0 if ca else None}},
        {"extn_id": "key_usage", "critical": True, "extn_value": key_usage},
        {"extn_id": "key_identifier", "critical": False, "extn_value": _key_id(public)},
    ]
    if issuer_key_id is not None:
        extensions.append({"extn_id": "authority_key_identifier", "critical": False,
                           "extn_value": {"key_identifier": issuer_key_id}})
    if client_auth:
        extensions.append({"extn_id": "extended_key_usage", "critical": False,
                           "extn_value": ["client_auth"]})
    algorithm = {"algorithm": sm2.SM2_SM3_OID}
    tbs = ax509.TbsCertificate({
        "version": "v3", "serial_number": secrets.randbits(63) | 1, "signature": algorithm,
        "issuer": issuer,
        "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
        "subject": subject,
        "subject_public_key_info": akeys.PublicKeyInfo.load(public.spki),
        "extensions": extensions,
    })
    signature = signer.sign_der(tbs.dump())
    return ax509.Certificate({"tbs_certificate": tbs, "signature_algorithm": algorithm,
                              "signature_value": signature}).dump()


@dataclass
class Sm2TestCA:
    """SM2 root and issuing CA; ``issue`` makes end-entity certificates for SM2 token keys."""

    __test__ = False

    root_der: bytes
    root_key: sm2.PrivateKey
    issuing_der: bytes
    issuing_key: sm2.PrivateKey
    directory: Path | None = None

    @property
    def root(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.root_der)

    @property
    def issuing(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.issuing_der)

    @classmethod
    def create(cls, directory: str | Path | None = None, *, name: str = "衡阳国密测试CA"
               ) -> Sm2TestCA:
        if directory is not None and all((Path(directory) / f).exists() for f in _FILES):
            return cls.load(directory)
        now = datetime.now(UTC)
        root_key, issuing_key = sm2.PrivateKey.generate(), sm2.PrivateKey.generate()
        root_name = _name(f"{name} 根证书", "衡阳测试CA中心")
        issuing_name = _name(f"{name} 签发证书", "衡阳测试CA中心")
        usage = {"key_cert_sign", "crl_sign"}
        root = build_certificate(subject=root_name, issuer=root_name, public=root_key.public,
                                 signer=root_key, not_before=now - timedelta(days=1),
                                 not_after=now + timedelta(days=3650), ca=True, key_usage=usage)
        issuing = build_certificate(
            subject=issuing_name, issuer=root_name, public=issuing_key.public, signer=root_key,
            not_before=now - timedelta(days=1), not_after=now + timedelta(days=3650), ca=True,
            key_usage=usage, issuer_key_id=_key_id(root_key.public))
        ca = cls(root, root_key, issuing, issuing_key)
        if directory is not None:
            ca.save(directory)
        return ca

    @classmethod
    def load(cls, directory: str | Path) -> Sm2TestCA:
        d = Path(directory)
        return cls((d / "root.der").read_bytes(), sm2.PrivateKey((d / "root.key").read_bytes()),
                   (d / "issuing.der").read_bytes(),
                   sm2.PrivateKey((d / "issuing.key").read_bytes()), d)

    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        (d / "root.der").write_bytes(self.root_der)
        (d / "issuing.der").write_bytes(self.issuing_der)
        for name, key in (("root.key", self.root_key), ("issuing.key", self.issuing_key)):
            write_private(d / name, key.pem)
        self.directory = d
        return d

    def issue(self, public: sm2.PublicKey, *, cn: str, organization: str = "",
              uscc: str | None = None, not_before: datetime | None = None,
              not_after: datetime | None = None, days: int = 365,
              digital_signature: bool = True, key_encipherment: bool = True,
              client_auth: bool = True) -> bytes:
        """An end-entity SM2 certificate (DER); the USCC goes into the subject's serialNumber."""
        now = datetime.now(UTC)
        not_before = not_before or now - timedelta(hours=1)
        not_after = not_after or not_before + timedelta(days=days)
        usage = ({"digital_signature"} if digital_signature else set()) | (
            {"key_encipherment"} if key_encipherment else set())
        issuing = ax509.Certificate.load(self.issuing_der)
        return build_certificate(
            subject=_name(cn, organization, uscc), issuer=issuing.subject, public=public,
            signer=self.issuing_key, not_before=not_before, not_after=not_after, ca=False,
            key_usage=usage or {"data_encipherment"}, client_auth=client_auth,
            issuer_key_id=_key_id(self.issuing_key.public))
