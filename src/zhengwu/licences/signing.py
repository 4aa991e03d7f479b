"""Signing licence PDFs: the `Signer` interface and the platform's own CA behind it.

`LocalCASigner` keeps a root certificate and one signing certificate per issuing organisation (and a time-stamping
certificate) under `ZHENGWU_LICENCE_KEY_DIR` (default `<ZHENGWU_VAR_DIR>/licence-keys`), never in the database. Every
PDF is signed PAdES (ETSI.CAdES.detached, pyHanko) with the organisation's current certificate and the chain to the
root embedded, and carries a signature time-stamp from the local TSA. `zhengwu licences ca --rotate` issues new
organisation certificates; old ones stay on disk, so files signed before still validate.

A national 电子印章 / SM2 service (GB/T 38540) replaces this by another `Signer` (see docs/deploy.md): the setting
`ZHENGWU_LICENCE_SIGNER` names its class.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from zhengwu.core import clock

# pyHanko imports cryptography's DSA key class, which warns (in English, on every `zhengwu licences` command) that DSA
# is deprecated; licences are signed with RSA, so the warning says nothing to whoever runs the command
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")

log = logging.getLogger(__name__)

ROOT_NAME = "政务服务平台电子证照根证书"
TSA_NAME = "政务服务平台电子证照时间戳服务"
ROOT_YEARS = 20
_LOADED: dict[
    str, tuple
] = {}  # key file → ((path, key mtime, cert mtime), key, certificate): LocalCASigner._load
ORG_YEARS = 5


class Signer(Protocol):
    """What issuing a licence file needs from a signing service."""

    def sign(self, pdf: bytes, *, organisation, reason: str, location: str = "") -> bytes:
        """The PDF with the organisation's signature (and time-stamp) over the whole file."""

    def trust_roots_pem(self) -> bytes:
        """The certificate(s) a relying party trusts to check the signatures (PEM)."""


@dataclass
class Verdict:
    """What a check of a licence file found."""

    ok: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    identifier: str = ""
    reason: str = ""


def off_the_loop(function):
    """pyHanko drives its own asyncio loop: where this thread already runs one (ASGI, a Playwright test), do the work
    in a worker thread instead."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *args, **kwargs).result()

    return wrapped


def key_dir() -> Path:
    return Path(getattr(settings, "ZHENGWU_LICENCE_KEY_DIR", "") or settings.VAR_DIR / "licence-keys")


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


class LocalCASigner:
    """The platform's own CA on disk: root, one signing certificate per organisation, a local TSA."""

    def __init__(self, directory: Path | None = None):
        self.dir = Path(directory) if directory else key_dir()

    # ---------------------------------------------------------------- the CA on disk
    def _new_key(self):
        from cryptography.hazmat.primitives.asymmetric import rsa

        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def _save(self, stem: Path, key, cert) -> None:
        from cryptography.hazmat.primitives import serialization

        _write_private(
            stem.with_suffix(".key.pem"),
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        stem.with_suffix(".crt.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    def _load(self, stem: Path):
        """The key and certificate kept at `stem`. Parsing an RSA key checks it (~30 ms); a process keeps what it read,
        by the files' paths and modification times, so a file written again (a new CA, a rotation) is read again."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        key_file, cert_file = stem.with_suffix(".key.pem"), stem.with_suffix(".crt.pem")
        seen = (str(key_file), key_file.stat().st_mtime_ns, cert_file.stat().st_mtime_ns)
        if (kept := _LOADED.get(seen[0])) and kept[0] == seen:
            return kept[1], kept[2]
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        _LOADED[seen[0]] = (seen, key, cert)
        return key, cert

    def _issue(self, *, subject_name: str, org_id: str, issuer_key, issuer_cert, years: int, usage: str):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        key = self._new_key()
        attrs = [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, subject_name),
            x509.NameAttribute(NameOID.COMMON_NAME, subject_name),
        ]
        if org_id:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, org_id))
        name = x509.Name(attrs)
        now = clock.now().astimezone(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer_cert.subject if issuer_cert is not None else name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if usage == "root":
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
        else:
            builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
            )
            if usage == "tsa":
                builder = builder.add_extension(
                    x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
                )
                builder = builder.add_extension(
                    x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
                )
            else:
                builder = builder.add_extension(
                    x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
                )
        cert = builder.sign(issuer_key or key, hashes.SHA256())
        return key, cert

    def ensure_root(self):
        stem = self.dir / "root"
        if not stem.with_suffix(".crt.pem").exists():
            key, cert = self._issue(
                subject_name=ROOT_NAME,
                org_id="",
                issuer_key=None,
                issuer_cert=None,
                years=ROOT_YEARS,
                usage="root",
            )
            self._save(stem, key, cert)
        return self._load(stem)

    def _ensure_tsa(self):
        stem = self.dir / "tsa"
        if not stem.with_suffix(".crt.pem").exists():
            root_key, root_cert = self.ensure_root()
            key, cert = self._issue(
                subject_name=TSA_NAME,
                org_id="",
                issuer_key=root_key,
                issuer_cert=root_cert,
                years=ORG_YEARS,
                usage="tsa",
            )
            self._save(stem, key, cert)
        return self._load(stem)

    def _org_dir(self, organisation) -> Path:
        return self.dir / "organisations" / organisation.uscc

    def current(self, organisation):
        """The organisation's newest signing key and certificate, issued on first use."""
        folder = self._org_dir(organisation)
        stems = sorted({p.name.split(".")[0] for p in folder.glob("*.crt.pem")}) if folder.exists() else []
        if not stems:
            return self.rotate(organisation)
        return self._load(folder / stems[-1])

    def rotate(self, organisation):
        """Issue a new signing certificate for the organisation; the old ones stay (files signed with them hold)."""
        root_key, root_cert = self.ensure_root()
        key, cert = self._issue(
            subject_name=organisation.name,
            org_id=organisation.uscc,
            issuer_key=root_key,
            issuer_cert=root_cert,
            years=ORG_YEARS,
            usage="sign",
        )
        folder = self._org_dir(organisation)
        count = len(list(folder.glob("*.crt.pem"))) if folder.exists() else 0
        stamp = clock.now().astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
        self._save(folder / f"{count + 1:04d}-{stamp}", key, cert)  # sorted: the last is the current one
        return key, cert

    def certificates(self, organisation) -> list:
        folder = self._org_dir(organisation)
        if not folder.exists():
            return []
        from cryptography import x509

        return [x509.load_pem_x509_certificate(p.read_bytes()) for p in sorted(folder.glob("*.crt.pem"))]

    def trust_roots_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.ensure_root()[1].public_bytes(serialization.Encoding.PEM)

    # ---------------------------------------------------------------- signing
    @off_the_loop
    def sign(self, pdf: bytes, *, organisation, reason: str, location: str = "") -> bytes:
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        def a_cert(cert):
            return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

        def a_key(key):
            return asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )

        _, root = self.ensure_root()
        key, cert = self.current(organisation)
        tsa_key, tsa_cert = self._ensure_tsa()
        signer = _kept_key_signer()(
            key,
            signing_cert=a_cert(cert),
            signing_key=a_key(key),
            cert_registry=SimpleCertificateStore.from_certs([a_cert(root)]),
        )
        stamper = _kept_key_stamper(DummyTimeStamper)(
            tsa_key,
            tsa_cert=a_cert(tsa_cert),
            tsa_key=a_key(tsa_key),
            certs_to_embed=SimpleCertificateStore.from_certs([a_cert(root)]),
            fixed_dt=clock.now().astimezone(dt.UTC),
        )
        meta = signers.PdfSignatureMetadata(
            field_name="LicenceSignature",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            name=organisation.name,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = signers.sign_pdf(writer, meta, signer=signer, timestamper=stamper)
        return out.getvalue()


# pyHanko parses the signing key from DER again at each signature, and OpenSSL checks an RSA key when it parses it (~40 ms,
# twice a licence: the signature and its time stamp). The signer and the time stamper below sign with the key object
# this process already parsed and checked (LocalCASigner._load); the signature is the same PKCS#1 v1.5 one.
def _sign_pkcs1(key, data: bytes, digest_algorithm: str) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import get_pyca_cryptography_hash

    return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


@functools.cache  # the class is made once, when pyHanko is first imported
def _kept_key_signer():
    from pyhanko.sign import signers

    class KeptKeySigner(signers.SimpleSigner):
        def __init__(self, key, **kwargs):
            self._key = key
            super().__init__(**kwargs)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            return _sign_pkcs1(self._key, data, digest_algorithm)

    return KeptKeySigner


@functools.cache
def _kept_key_stamper(base):
    from asn1crypto import cms, core
    from cryptography.hazmat.primitives import hashes
    from pyhanko.sign import general
    from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute

    class KeptKeyTimeStamper(base):
        def __init__(self, key, **kwargs):
            self._key = key
            super().__init__(**kwargs)

        def _sign_tst_info(
            self, tst_info_data: bytes, md_algorithm: str, dt
        ):  # as DummyTimeStamper's, kept key
            md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
            md.update(tst_info_data)
            signed_attrs = cms.CMSAttributes(
                [
                    simple_cms_attribute("content_type", "tst_info"),
                    simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                    simple_cms_attribute(
                        "signing_certificate", general.as_signing_certificate(self.tsa_cert)
                    ),
                    simple_cms_attribute("message_digest", md.finalize()),
                ]
            )
            return _sign_pkcs1(self._key, signed_attrs.dump(), md_algorithm.upper()), signed_attrs

    return KeptKeyTimeStamper


@off_the_loop
def verify(data: bytes, *, roots_pem: bytes | None = None) -> Verdict:
    """Check a licence file: one signature, intact, covering the whole file, chained to our root."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots_pem = roots_pem or signer().trust_roots_pem()
    roots = [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(roots_pem, multiple=True)]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 — any unreadable file is simply "not a licence we signed"
        return Verdict(ok=False, reason=gettext("文件无法读取,不是有效的 PDF 文件"))
    if not signatures:
        return Verdict(ok=False, reason=gettext("文件中没有数字签名"))
    sig = signatures[-1]
    try:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception:  # noqa: BLE001
        log.info("licence signature not validated", exc_info=True)
        return Verdict(ok=False, reason=gettext("签名无法校验,文件可能已被篡改"))
    identifier = ""
    try:
        info = reader.trailer["/Info"]
        identifier = str(info.get("/Subject", "")) if info else ""
    except Exception:  # noqa: BLE001
        identifier = ""
    subject = status.signing_cert.subject.native if status.signing_cert else {}
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    verdict = Verdict(
        ok=bool(status.intact and status.valid and status.trusted and whole),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=whole,
        signer=subject.get("organization_name") or subject.get("common_name", ""),
        signed_at=status.signer_reported_dt,
        timestamped=status.timestamp_validity is not None,
        identifier=identifier,
    )
    if not verdict.intact:
        verdict.reason = gettext("签名与文件内容不符,文件已被篡改")
    elif not verdict.trusted:
        verdict.reason = gettext("签名证书不是本平台电子证照根证书签发的")
    elif not whole:
        verdict.reason = gettext("签名后文件被追加修改")
    return verdict


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_SIGNER = None


def signer() -> Signer:
    """The configured signer (ZHENGWU_LICENCE_SIGNER, a dotted class path; default the local CA)."""
    global _SIGNER
    path = getattr(settings, "ZHENGWU_LICENCE_SIGNER", "") or "zhengwu.licences.signing.LocalCASigner"
    if (
        _SIGNER is None
        or type(_SIGNER).__module__ + "." + type(_SIGNER).__qualname__ != path
        or (isinstance(_SIGNER, LocalCASigner) and _SIGNER.dir != key_dir())
    ):
        _SIGNER = import_string(path)()
    return _SIGNER
