"""An issued e-licence is one document: its signed PDF is made once per version, kept in the file storage with its
SHA-256 on the row, and every download (wallet, workbench, API, grants, command) gets the same bytes; a change makes
the new version a file of its own, an ending leaves the file as it is, and a licence without a file (issued before
files were kept) gets one on its first download."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.licences.conftest import granted
from zhengwu.licences import services, signing
from zhengwu.licences.models import Licence, Status


@pytest.fixture
def signs(monkeypatch):
    """Counts calls to the signer."""
    calls = []
    real = signing.signer().sign

    def counting(pdf, **kwargs):
        calls.append(kwargs["organisation"].pk)
        return real(pdf, **kwargs)

    monkeypatch.setattr(signing.signer(), "sign", counting)
    return calls


@pytest.fixture
def issued(lworld):
    return Licence.objects.get(case=granted(lworld))


def test_two_downloads_give_the_same_bytes_and_sign_once(client, lworld, issued, signs):
    client.force_login(lworld.head)
    first = client.get(f"/workbench/licences/{issued.identifier}/pdf/")
    second = client.get(f"/workbench/licences/{issued.identifier}/pdf/")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and len(signs) == 1
    issued.refresh_from_db()
    assert issued.file_sha256 == hashlib.sha256(first.content).hexdigest()
    with issued.file.open("rb") as kept:
        assert kept.read() == first.content


def test_every_download_path_serves_the_kept_file(client, lworld, issued, signs, tmp_path):
    kept = services.stored_pdf(issued)
    client.force_login(lworld.head)
    assert client.get(f"/workbench/licences/{issued.identifier}/pdf/").content == kept
    assert client.get(f"/api/licences/{issued.identifier}/pdf").content == kept
    call_command("licences", "pdf", issued.identifier, str(tmp_path / "l.pdf"), stdout=open("/dev/null", "w"))
    assert (tmp_path / "l.pdf").read_bytes() == kept
    assert len(signs) == 1


def test_the_kept_file_passes_the_file_check(client, issued):
    kept = services.stored_pdf(issued)
    page = client.post("/verify/licence/", {"file": SimpleUploadedFile("l.pdf", kept)})
    assert (
        page.status_code == 200
        and "签名完整有效,由贵溪市市场监督管理局签署并加盖时间戳" in page.content.decode()
    )


def test_the_qr_code_carries_the_public_site_address_not_the_request(client, lworld, issued, settings):
    settings.ZHENGWU_PUBLIC_URL = "https://zw.example.gov.cn"
    client.force_login(lworld.head)
    data = client.get(f"/workbench/licences/{issued.identifier}/pdf/", HTTP_HOST="localhost").content
    assert signing.verify(data).ok
    assert services.pdf_context(issued)["verify"] == (
        f"https://zw.example.gov.cn/verify/licence/{issued.identifier}"
    )


def test_a_new_version_gets_its_own_file_and_the_old_one_keeps_its(lworld, issued, signs):
    old_file = services.stored_pdf(issued)
    new = services.change(licence=issued, by=lworld.head, data={"address": "新址"}, reason="搬迁")
    new_file = services.stored_pdf(new)
    assert new_file != old_file and len(signs) == 2
    new.refresh_from_db()
    issued.refresh_from_db()
    assert new.file.name != issued.file.name and new.file_sha256 != issued.file_sha256
    assert services.stored_pdf(issued) == old_file and len(signs) == 2
    assert signing.verify(new_file).identifier == new.identifier


def test_revocation_leaves_the_file_and_the_check_shows_the_status(client, lworld, issued, signs):
    kept = services.stored_pdf(issued)
    services.end(
        licence=issued,
        by=lworld.head,
        kind=Status.REVOKED,
        basis="《食品安全法》第一百三十五条",
        document="贵市监罚〔2026〕12号",
    )
    issued.refresh_from_db()
    assert services.stored_pdf(issued) == kept and len(signs) == 1
    page = client.post("/verify/licence/", {"file": SimpleUploadedFile("l.pdf", kept)})
    text = page.content.decode()
    assert "签名完整有效" in text and 'licence-status">已撤销<' in text


def test_a_licence_without_a_file_gets_one_on_its_first_download(client, lworld, issued, signs):
    assert not issued.file and not issued.file_sha256  # as licences issued before files were kept
    client.force_login(lworld.head)
    data = client.get(f"/workbench/licences/{issued.identifier}/pdf/").content
    issued.refresh_from_db()
    assert issued.file and issued.file_sha256 == hashlib.sha256(data).hexdigest() and len(signs) == 1


def test_a_lost_or_altered_kept_file_is_made_again(lworld, issued, signs):
    services.stored_pdf(issued)
    issued.refresh_from_db()
    issued.file.storage.delete(issued.file.name)
    again = services.stored_pdf(issued)
    assert signing.verify(again).ok and len(signs) == 2
    issued.refresh_from_db()
    with issued.file.storage.open(issued.file.name, "wb") as handle:
        handle.write(again[:-1] + b"X")
    third = services.stored_pdf(issued)
    assert signing.verify(third).ok and len(signs) == 3
    issued.refresh_from_db()
    assert issued.file_sha256 == hashlib.sha256(third).hexdigest()


def test_the_commands_say_in_chinese_what_went_wrong_and_when_nothing_is_held(lworld, issued, tmp_path):
    """`zhengwu licences pdf` into a folder that does not exist, `ca --pem` onto a folder, and `list --holder` of
    someone holding nothing: a sentence, not a Python traceback or an empty screen."""
    from io import StringIO

    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as refused:
        call_command("licences", "pdf", issued.identifier, str(tmp_path / "missing" / "l.pdf"))
    assert str(refused.value) == f"无法写入文件 {tmp_path / 'missing' / 'l.pdf'}:所在目录不存在"
    with pytest.raises(CommandError) as refused:
        call_command("licences", "ca", "--pem", str(tmp_path))
    assert "这是一个目录,请给出文件名" in str(refused.value)
    out = StringIO()
    call_command("licences", "list", "--holder", "91360681MA00000000", stdout=out)
    assert out.getvalue().strip() == "电子证照库中没有持证主体代码为 91360681MA00000000 的证照"


def test_verify_command_reads_no_status_off_a_tampered_file(issued, tmp_path):
    """`zhengwu licences verify` of a good file gives the licence's status; of a file with one changed byte it fails
    and says what the library holds under the identifier the file claims, labelled as such — not 「证照状态:有效」."""
    from io import StringIO

    from django.core.management.base import CommandError

    from tests.licences.test_signing import one_byte_changed

    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(services.stored_pdf(issued))
    bad.write_bytes(one_byte_changed(good.read_bytes()))
    out = StringIO()
    call_command("licences", "verify", str(good), stdout=out)
    assert out.getvalue().splitlines() == [
        "签名有效,由本平台电子证照根证书签发",
        f"证照状态:有效(食品经营许可证 {issued.number})",
    ]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("licences", "verify", str(bad), stdout=out)
    said = out.getvalue()
    assert "签名无效:签名与文件内容不符,文件已被篡改" in said and "证照状态" not in said
    assert f"电子证照库中的食品经营许可证 {issued.number}登记为「有效」,不代表该文件有效" in said
