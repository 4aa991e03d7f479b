"""`zhengwu scheduled`: run every domain's periodic jobs once (deemed acceptance, expiries, warnings …).

Each domain lists its jobs in `zhengwu.<domain>.schedule.JOBS` as (name, callable returning a one-line summary);
every job is idempotent, so running this every few minutes from cron, a systemd timer or `--every` is safe.
"""

import importlib
import importlib.util
import time

from django.apps import apps
from django.core.management.base import BaseCommand

from zhengwu.core.context import acting_as


def scheduled_jobs() -> list[tuple[str, object]]:
    """Every domain's jobs, in INSTALLED_APPS order (core imports no domain by name)."""
    jobs = []
    for config in apps.get_app_configs():
        if not config.name.startswith("zhengwu."):
            continue
        module_name = f"{config.name}.schedule"
        if importlib.util.find_spec(module_name) is None:
            continue
        jobs += [(f"{config.label}.{name}", job) for name, job in importlib.import_module(module_name).JOBS]
    return jobs


def run_once(write) -> int:
    """Run each job; a failing job is reported and does not stop the others. Returns the number that failed."""
    failed = 0
    for name, job in scheduled_jobs():
        try:
            with acting_as(label="zhengwu scheduled"):
                write(f"{name}: {job()}")
        except Exception as exc:  # noqa: BLE001 — one job's failure must not keep the others from running
            failed += 1
            write(f"{name}: 失败 {type(exc).__name__}: {exc}")
    return failed


class Command(BaseCommand):
    help = "运行各业务的定时任务(视为受理、逾期处理、预警等);可用 --every 秒数 持续运行。"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="每隔多少秒运行一次(默认只运行一次)")
        parser.add_argument("--list", action="store_true", help="只列出定时任务")

    def handle(self, *args, every: int = 0, list: bool = False, **options):
        if list:
            for name, job in scheduled_jobs():
                self.stdout.write(
                    f"{name}: {(job.__doc__ or '').strip().splitlines()[0] if job.__doc__ else ''}"
                )
            return
        while True:
            failed = run_once(self.stdout.write)
            if not every:
                if failed:
                    raise SystemExit(1)
                return
            time.sleep(every)
