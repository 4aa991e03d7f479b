"""Slice 2: the electronic licence is a PDF signed by its issuer (PAdES) under our CA, time-stamped, with the CJK
fonts embedded; pyHanko's validator and Poppler's pdfsig (with our root as the only trust anchor) both accept it,
and both refuse it after one changed byte. Keys live on disk, not in the database, and rotate by command."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.licences.conftest import granted
from zhengwu.licences import services, signing
from zhengwu.licences.models import Licence

pytestmark = pytest.mark.skipif(
    not shutil.which("pdfsig") or not shutil.which("certutil"), reason="poppler/nss"
)


@pytest.fixture
def licence_pdf(lworld, settings):
    settings.ZHENGWU_PUBLIC_URL = "https://zw.example.gov.cn"  # the QR code's address comes from the setting
    licence = Licence.objects.get(case=granted(lworld))
    return licence, services.stored_pdf(licence)


def pyhanko_status(data: bytes):
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [(_, _, der)] = list(pem.unarmor(signing.signer().trust_roots_pem(), multiple=True))
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    [sig] = reader.embedded_signatures
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)]))


def pdfsig(tmp_path: Path, data: bytes) -> str:
    """pdfsig's report, with an NSS database that trusts nothing but our root."""
    nss = tmp_path / "nss"
    if not nss.exists():
        nss.mkdir()
        root = tmp_path / "root.pem"
        root.write_bytes(signing.signer().trust_roots_pem())
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{nss}", "-n", "zw-root", "-t", "CT,C,C", "-i", root], check=True
        )
    path = tmp_path / "licence.pdf"
    path.write_bytes(data)
    # Not -no-ocsp: Poppler 22.12 then reports "Unknown issue" for any chain; our certificates name no OCSP
    # responder, so nothing is fetched.
    result = subprocess.run(
        ["pdfsig", "-nssdir", str(nss), str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout + result.stderr


def one_byte_changed(data: bytes) -> bytes:
    """Change one byte inside the signed range (the licence's own text, not the signature)."""
    at = data.index(b"/Producer")
    changed = bytearray(data)
    changed[at + 1] = ord("Q")
    return bytes(changed)


def test_the_signed_licence_validates_with_pyhanko_and_pdfsig(licence_pdf, tmp_path):
    licence, data = licence_pdf
    status = pyhanko_status(data)
    assert status.bottom_line and status.intact and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert status.signing_cert.subject.native["organization_name"] == "贵溪市市场监督管理局"
    report = pdfsig(tmp_path, data)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report and "ETSI.CAdES.detached" in report
    verdict = signing.verify(data)
    assert verdict.ok and verdict.identifier == licence.identifier and verdict.timestamped


def test_one_changed_byte_fails_both_validators(licence_pdf, tmp_path):
    _, data = licence_pdf
    bad = one_byte_changed(data)
    try:
        status = pyhanko_status(bad)
        assert not status.intact and not status.bottom_line
    except Exception as exc:  # noqa: BLE001 — refusing to read it is failing too
        assert "Signature" in type(exc).__name__ or isinstance(exc, (ValueError, KeyError))
    report = pdfsig(tmp_path, bad)
    assert "Signature is Valid" not in report
    assert "Digest Mismatch" in report
    verdict = signing.verify(bad)
    assert not verdict.ok and verdict.reason == "签名与文件内容不符,文件已被篡改"


def test_a_signature_by_another_ca_is_not_trusted(lworld, licence_pdf, tmp_path):
    _, data = licence_pdf
    other = signing.LocalCASigner(tmp_path / "other-ca")
    verdict = signing.verify(data, roots_pem=other.trust_roots_pem())
    assert not verdict.ok and verdict.intact and not verdict.trusted


def test_the_pdf_embeds_its_cjk_fonts_and_carries_the_qr_link(licence_pdf, tmp_path):
    licence, data = licence_pdf
    path = tmp_path / "l.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", row) for row in rows), fonts
    assert any("CJK" in row for row in rows)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s+", "", text)  # the title is letter-spaced, the link wraps
    assert "食品经营许可证" in text and licence.number in text and "贵溪市好味道餐饮有限公司" in text
    assert f"https://zw.example.gov.cn/verify/licence/{licence.identifier}" in text


def test_keys_live_outside_the_database_and_rotate(lworld, licence_pdf, licence_keys):
    licence, old_file = licence_pdf
    folder = Path(licence_keys) / "organisations" / lworld.bureau.uscc
    keys = sorted(folder.glob("*.key.pem"))
    assert keys and oct(keys[0].stat().st_mode)[-3:] == "600"
    call_command("licences", "ca", "--rotate", lworld.bureau.uscc)
    assert len(list(folder.glob("*.key.pem"))) == len(keys) + 1
    new_file = services.signed_pdf(licence)
    assert (
        pyhanko_status(new_file).signing_cert.serial_number
        != pyhanko_status(old_file).signing_cert.serial_number
    )
    assert (
        signing.verify(old_file).ok and signing.verify(new_file).ok
    )  # files signed before a rotation still hold


def test_the_licence_prints_its_dates_in_chinese(lworld, tmp_path):
    import subprocess

    from tests.licences.conftest import granted
    from zhengwu.licences import services
    from zhengwu.licences.models import Licence

    licence = Licence.objects.get(case=granted(lworld))
    path = tmp_path / "l.pdf"
    path.write_bytes(services.unsigned_pdf(licence))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    day, until = licence.issued_on, licence.valid_until
    assert f"颁证日期:{day.year}年{day.month}月{day.day}日" in text
    assert f"{until.year}年{until.month}月{until.day}日" in text and day.isoformat() not in text
