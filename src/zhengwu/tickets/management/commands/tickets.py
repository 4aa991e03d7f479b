"""`zhengwu tickets …`: import past tickets, train the dispatch classifier, Open311 keys, overdue acknowledgements."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.context import acting_as


class Command(BaseCommand):
    help = (
        "政民互动:导入历史工单(import)、训练派单模型(train)、Open311 密钥(apikey)、超时视为签收(deem-acknowledged)、"
        "按当前脱敏规则重新脱敏已公开的答复(remask-published)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入历史工单(JSON Lines,见 docs/data-formats.md)")
        imp.add_argument("file", help="JSONL 文件路径,- 表示标准输入")
        imp.add_argument("--check", action="store_true", help="只校验,不写入")
        train = sub.add_parser("train", help="用历史派单和机构职能训练派单建议模型,并报告留出集准确率")
        train.add_argument("--held-out", type=float, default=0.2, help="留作检验的最近工单比例(默认 0.2)")
        train.add_argument("--backend", choices=["sklearn", "naive_bayes"], default=None)
        key = sub.add_parser("apikey", help="为 Open311 客户端生成 API 密钥")
        key.add_argument("name", help="客户端名称")
        sub.add_parser("deem-acknowledged", help="超过签收时限未签收的工单视为签收")
        sub.add_parser(
            "remask-published", help="用当前的脱敏规则重新脱敏已公开的诉求和答复(升级脱敏规则后运行一次)"
        )

    def handle(self, *args, **options):
        with acting_as(None, label="command:tickets"):
            return getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _import(self, options):
        from zhengwu.tickets import importer

        if options["file"] == "-":
            import sys

            lines = sys.stdin.read().splitlines()
        else:
            path = Path(options["file"])
            if not path.exists():
                raise CommandError(f"文件不存在:{path}")
            lines = path.read_text(encoding="utf-8").splitlines()
        if options["check"]:
            _rows, report = importer.validate(lines)
        else:
            report = importer.import_lines(lines)
        for error in report.errors[:100]:
            self.stderr.write(error)
        if report.errors:
            raise CommandError(f"{len(report.errors)} 处错误,未导入任何工单(共 {report.lines} 行)")
        verb = "校验通过" if options["check"] else "已导入"
        self.stdout.write(f"{verb} {report.imported if not options['check'] else report.lines} 件工单")

    def _train(self, options):
        from zhengwu.tickets import dispatching

        report = dispatching.train(held_out=options["held_out"], backend=options["backend"])
        if report.model_id is None:
            raise CommandError("没有可用于训练的历史工单或机构职能描述")
        accuracy = "—" if report.accuracy is None else f"{report.accuracy:.1%}"
        baseline = "—" if report.baseline_accuracy is None else f"{report.baseline_accuracy:.1%}"
        self.stdout.write(
            f"模型 #{report.model_id}({report.backend}):{report.samples} 件历史工单,"
            f"留出 {report.held_out} 件,准确率 {accuracy},多数类基线 {baseline}"
        )

    def _apikey(self, options):
        from zhengwu.tickets import services

        key, raw = services.create_api_key(name=options["name"])
        self.stdout.write(f"客户端「{key.name}」的 API 密钥(只显示这一次):{raw}")

    def _deem_acknowledged(self, options):
        from zhengwu.tickets import services

        self.stdout.write(f"{services.deem_overdue_acknowledged()} 件工单超时视为签收")

    def _remask_published(self, options):
        from zhengwu.tickets import services

        self.stdout.write(f"{services.remask_published()} 件已公开工单的公开文本已重新脱敏")
