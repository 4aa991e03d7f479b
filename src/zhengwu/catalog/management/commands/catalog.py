"""`zhengwu catalog export|import|search|load-demo`: the catalogue for operators."""

from django.core.management.base import BaseCommand, CommandError

from zhengwu.catalog import demo, excel, export, selectors
from zhengwu.core.context import acting_as


class Command(BaseCommand):
    help = "事项目录:导出(JSON/Excel)、导入Excel、检索、载入演示数据"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        out = actions.add_parser("export", help="导出已发布的事项目录")
        out.add_argument("--format", choices=["json", "xlsx"], default="json")
        out.add_argument("-o", "--output", required=True, help="输出文件")
        out.add_argument("--template", action="store_true", help="只导出空白模板(xlsx)")
        into = actions.add_parser("import", help="导入Excel事项表(先校验全部行,有错则不做任何修改)")
        into.add_argument("file")
        into.add_argument("--publish", action="store_true", help="导入后直接发布")
        into.add_argument("--reason", default="", help="调整理由(写入变更记录)")
        find = actions.add_parser("search", help="检索事项(中文、繁体、拼音、首字母)")
        find.add_argument("words", nargs="+")
        find.add_argument("--limit", type=int, default=20)
        demo_parser = actions.add_parser("load-demo", help="载入演示事项(可重复运行)")
        demo_parser.add_argument("files", nargs="*", help="JSON文件;默认 catalog/data/demo/*.json")

    def handle(self, *args, action, **options):
        with acting_as(label="catalog command"):
            getattr(self, "_" + action.replace("-", "_"))(**options)

    def _export(self, *, format, output, template, **_):
        if format == "json":
            with open(output, "w", encoding="utf-8") as stream:
                count = export.write_json(stream)
        else:
            count = excel.export_workbook(output, [] if template else None)
        self.stdout.write(f"已导出{count}项事项到 {output}")

    def _import(self, *, file, publish, reason, **_):
        try:
            report = excel.import_workbook(file, publish=publish, reason=reason)
        except excel.ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"导入文件有{len(exc.problems)}处错误,未做任何修改") from None
        state = "并发布" if publish else "(草稿,待提交发布)"
        self.stdout.write(f"新增{len(report.created)}项,更新{len(report.revised)}项{state}")

    def _search(self, *, words, limit, **_):
        entries = list(selectors.published(q=" ".join(words))[:limit])
        for entry in entries:
            self.stdout.write(f"{entry.code}  {entry.display_name}  {entry.organisation or ''}")
        if not entries:
            self.stdout.write("没有找到事项")

    def _load_demo(self, *, files, **_):
        report = demo.load_demo_catalogue(files or None)
        for problem in report.problems:
            self.stderr.write(problem)
        self.stdout.write(f"演示事项:{report}")
