"""`zhengwu licences`: list the library, write a licence's signed PDF, write the CA's trust root (or rotate an
organisation's signing certificate), verify a licence file."""

import errno
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError
from zhengwu.core.models import Organisation
from zhengwu.licences import services, signing
from zhengwu.licences.models import Licence


def row(licence: Licence) -> dict:
    return {
        "identifier": licence.identifier,
        "number": licence.number,
        "version": licence.version,
        "type": licence.type.name,
        "holder": licence.holder_name,
        "holder_id": licence.holder_id,
        "issuer": licence.issuer.name,
        "issued_on": licence.issued_on.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "status": licence.effective_status,
        "status_label": licence.effective_status_label,
        "case": licence.case.number if licence.case else None,
        "distinguished_by": licence.distinguished_by,
    }


class Command(BaseCommand):
    help = "电子证照:列出证照、导出签名 PDF、导出信任根或轮换签名证书、核验证照文件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,pdf,ca,verify}")
        listing = sub.add_parser("list", help="列出电子证照库中的证照")
        listing.add_argument(
            "--holder", default="", metavar="ID", help="持证主体代码(身份证号或统一社会信用代码)"
        )
        listing.add_argument("--json", action="store_true", help="输出 JSON")
        pdf = sub.add_parser("pdf", help="把证照的签名 PDF 写入文件")
        pdf.add_argument("identifier", metavar="IDENTIFIER")
        pdf.add_argument("file", metavar="FILE")
        ca = sub.add_parser("ca", help="写出信任根证书(依赖方核验签名所需),或轮换机构签名证书")
        ca.add_argument("--pem", default="", metavar="FILE", help="信任根证书写入的文件")
        ca.add_argument(
            "--rotate", action="append", default=[], metavar="USCC", help="为该机构签发新签名证书"
        )
        ca.add_argument("--rotate-all", action="store_true", help="为所有颁证机构签发新签名证书")
        verify = sub.add_parser("verify", help="核验证照 PDF 文件的签名与证照状态")
        verify.add_argument("file", metavar="FILE")
        verify.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, action: str, **options):
        try:
            with acting_as(label="zhengwu licences"):
                getattr(self, "_" + action)(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _list(self, *, holder: str, json: bool = False, **_):
        rows = Licence.objects.select_related("type", "issuer", "case")
        if holder:
            rows = rows.filter(holder_id=holder.strip().upper())
        data = [row(licence) for licence in rows]
        if json:
            self.stdout.write(_json(data))
            return
        if not data:
            self.stdout.write(
                f"电子证照库中没有持证主体代码为 {holder.strip().upper()} 的证照"
                if holder
                else "电子证照库中还没有证照"
            )
        for item in data:
            place = item["distinguished_by"]
            shown = f"{item['type']}({place['label']}:{place['value']})" if place else item["type"]
            self.stdout.write(
                f"{item['identifier']}  {shown}  {item['number']}  {item['holder']}  {item['status_label']}"
            )

    def _pdf(self, *, identifier: str, file: str, **_):
        licence = services.by_identifier(identifier)
        _write(file, services.stored_pdf(licence))
        self.stdout.write(f"已写入 {file}")

    def _ca(self, *, pem: str, rotate: list[str], rotate_all: bool, **_):
        signer = signing.signer()
        if rotate or rotate_all:
            if not hasattr(signer, "rotate"):
                raise CommandError("当前签名服务不支持在本平台轮换证书")
            organisations = (
                Organisation.objects.filter(licence_types__isnull=False).distinct()
                if rotate_all
                else Organisation.objects.filter(uscc__in=[u.strip().upper() for u in rotate])
            )
            missing = sorted({u.strip().upper() for u in rotate} - {o.uscc for o in organisations})
            if missing:
                raise CommandError(f"没有统一社会信用代码为 {'、'.join(missing)} 的机构")
            for organisation in organisations:
                _, cert = signer.rotate(organisation)
                self.stdout.write(f"{organisation.name}:新签名证书序列号 {cert.serial_number:x}")
        if pem:
            _write(pem, signer.trust_roots_pem())
            self.stdout.write(f"信任根证书已写入 {pem}")
        if not (pem or rotate or rotate_all):
            raise CommandError("请指定 --pem FILE 或 --rotate USCC")

    def _verify(self, *, file: str, json: bool = False, **_):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}") from exc
        result = services.check_file(data)
        verdict, licence = result["verdict"], result["licence"]
        out = {
            "signature_ok": verdict.ok,
            "reason": verdict.reason,
            "signer": verdict.signer,
            "timestamped": verdict.timestamped,
            "identifier": verdict.identifier,
            "licence": row(licence) if licence else None,
        }
        if json:
            self.stdout.write(_json(out))
        else:
            self.stdout.write(
                "签名有效,由本平台电子证照根证书签发" if verdict.ok else f"签名无效:{verdict.reason}"
            )
            if licence and verdict.ok:
                self.stdout.write(
                    f"证照状态:{licence.effective_status_label}({licence.type.name} {licence.number})"
                )
            elif (
                licence
            ):  # what the library holds under the identifier the file claims, not what the file says
                self.stdout.write(
                    f"该文件不可信;按文件所载标识查询,电子证照库中的{licence.type.name} {licence.number}"
                    f"登记为「{licence.effective_status_label}」,不代表该文件有效"
                )
        if not verdict.ok:
            raise CommandError("证照文件未通过核验")


WRITE_ERRORS = {
    errno.ENOENT: "所在目录不存在",
    errno.EACCES: "没有写入权限",
    errno.EISDIR: "这是一个目录,请给出文件名",
    errno.ENOSPC: "磁盘空间不足",
}


def _write(file: str, data: bytes) -> None:
    try:
        Path(file).write_bytes(data)
    except OSError as exc:
        why = WRITE_ERRORS.get(exc.errno, "请检查路径")
        raise CommandError(f"无法写入文件 {file}:{why}") from exc


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
