"""`zhengwu audit seal` chains the records appended since the last seal; `zhengwu audit verify [--anchor FILE]
[--no-seal]` seals, then recomputes the audit chain and checks the rows it covers (and the anchors); `zhengwu audit
anchor --to FILE` seals and signs the chain's head into an anchor file; `zhengwu audit tail [-n 20]` lists the latest
records."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core import audit, clock
from zhengwu.core.models import AuditRecord


class Command(BaseCommand):
    help = (
        "审计链:seal 把新追加的记录封入链中;verify 先封链,再重新计算整条链、核对其覆盖的只增记录并指出第一处问题"
        "(--anchor 同时核对锚点);anchor 封链后把链尾签名写入锚点文件;tail 列出最新的记录"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{seal,verify,anchor,tail}")
        actions.add_parser("seal", help="把上次封链以来追加的审计记录按序号封入链中")
        verify = actions.add_parser(
            "verify", help="重新计算审计链并核对只增记录;完整时退出码为 0,否则打印第一处问题并以 1 退出"
        )
        verify.add_argument("--anchor", metavar="FILE", help="锚点文件:审计链必须仍经过其中每一个锚点")
        verify.add_argument(
            "--no-seal", action="store_true", help="只读核对:不先封链,尚未封链的记录只报告条数"
        )
        anchor = actions.add_parser("anchor", help="把审计链的链尾(序号、哈希)签名后追加到锚点文件")
        anchor.add_argument("--to", metavar="FILE", required=True, help="锚点文件(- 表示输出到标准输出)")
        tail = actions.add_parser("tail", help="列出最新的审计记录")
        tail.add_argument("-n", "--lines", type=int, default=20, help="条数(默认 20)")

    def handle(self, *args, action: str, **options):
        if action == "seal":
            self.stdout.write(f"已封链 {audit.seal()} 条审计记录")
        elif action == "verify":
            self._verify(options.get("anchor"), seal=not options.get("no_seal"))
        elif action == "anchor":
            self._anchor(options["to"])
        else:
            self._tail(options["lines"])

    def _verify(self, anchor_file: str | None, *, seal: bool = True) -> None:
        report = audit.verify(seal_first=seal)
        if not report.ok:
            self.stdout.write(f"审计链已被破坏:{report.problem}(此前 {report.checked} 条记录完整)")
            where = f"记录 #{report.first_bad_id}" if report.first_bad_id else report.bad_row
            raise CommandError(f"审计链在{where}处出现问题", returncode=1)
        self.stdout.write(f"审计链完整:共 {report.checked} 条记录,覆盖只增记录 {report.rows_checked} 行")
        if report.head_id:
            # Removing the newest records cannot be seen from inside the chain: anchors kept elsewhere see it.
            self.stdout.write(f"最新记录 #{report.head_id} 哈希 {report.head_hash}")
        if report.unsealed:
            self.stdout.write(f"另有 {report.unsealed} 条记录尚未封链(zhengwu audit seal 封链)")
        if anchor_file:
            try:
                anchors = audit.read_anchors(anchor_file)
            except OSError as exc:
                raise CommandError(f"无法读取锚点文件 {anchor_file}:{exc}") from None
            checked = audit.check_anchors(anchors)
            if not checked.ok:
                self.stdout.write(f"锚点核对失败:{checked.problem}(此前 {checked.checked} 个锚点相符)")
                raise CommandError(f"审计链不再经过第 {checked.line} 个锚点", returncode=1)
            self.stdout.write(f"锚点相符:{checked.checked} 个")

    def _anchor(self, target: str) -> None:
        if target == "-":
            sys.stdout.write(json.dumps(audit.anchor(), ensure_ascii=False, sort_keys=True) + "\n")
            return
        try:
            item = audit.append_anchor(target)
        except OSError as exc:
            raise CommandError(f"无法写入锚点文件 {target}:{exc}") from None
        self.stdout.write(f"已写锚点:记录 #{item['id']} 哈希 {item['hash']} → {target}")

    def _tail(self, lines: int) -> None:
        if lines < 1:
            raise CommandError("条数必须大于 0")
        records = list(AuditRecord.objects.order_by("-id")[:lines])
        if not records:
            self.stdout.write("审计链中还没有记录")
        for rec in reversed(records):
            at = rec.at.astimezone(clock.LOCAL).strftime("%Y-%m-%d %H:%M:%S")
            target = f"{rec.object_type}:{rec.object_id}" if rec.object_type or rec.object_id else "-"
            summary = json.dumps(rec.summary, ensure_ascii=False, sort_keys=True) if rec.summary else ""
            self.stdout.write(
                f"#{rec.id}{'' if rec.seq else '(未封链)'} {at} {rec.actor_label or '-'} {rec.action} {target} {rec.ip or '-'} {summary}".rstrip()
            )
