"""`zhengwu worker`: the task worker for whichever backend ZHENGWU_TASKS chose — one command for every deployment.

- `database` (the default): Django's database worker (django-tasks-db `db_worker`).
- `redis`: an RQ worker on the backend's queues, with the job class django-tasks-rq needs
  (`django_tasks_rq.backend.Job`: a plain RQ job cannot run a Task — "'Task' object is not callable" — and its
  failure callback then breaks on "'Job' object has no attribute 'task_result'"), and with RQ's scheduler so the
  outbox's retries (run_after) come due. Run as many as you like, on as many servers as you like.
- `immediate`: tasks run inside the request; there is nothing to work on.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


class Command(BaseCommand):
    help = "运行后台任务处理进程(按 ZHENGWU_TASKS 选择的后端:数据库或 Redis/RQ)"

    def add_arguments(self, parser):
        parser.add_argument("queues", nargs="*", help="queues to work on (default: the backend's queues)")
        parser.add_argument("--burst", action="store_true", help="work until the queues are empty, then exit")
        parser.add_argument(
            "--no-fork",
            action="store_true",
            help="RQ only: run each job in the worker process (rq.SimpleWorker) instead of a forked child",
        )
        parser.add_argument("--name", default=None, help="RQ only: the worker's name (unique per Redis)")

    def handle(self, *queues, burst=False, no_fork=False, name=None, verbosity=1, **options):
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

        default_task_backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        backend = type(default_task_backend).__module__
        if backend.startswith("django_tasks_db"):
            call_command(
                "db_worker",
                queue_name=",".join(queues) or "*",
                batch=burst,
                reload=False,
                startup_delay=not burst,
                verbosity=verbosity,
            )
        elif backend.startswith("django_tasks_rq"):
            self._rq(
                default_task_backend, queues, burst=burst, no_fork=no_fork, name=name, verbosity=verbosity
            )
        elif backend.startswith("django_tasks.backends.immediate"):
            self.stdout.write("任务在请求内立即执行(ZHENGWU_TASKS=immediate),无需后台处理进程。")
        else:
            raise CommandError(f"不支持的任务后端:{backend}")

    def _rq(self, backend, queues, *, burst, no_fork, name, verbosity):
        from django_rq.utils import reset_db_connections
        from django_rq.workers import get_worker
        from rq.logutils import setup_loghandlers

        setup_loghandlers("DEBUG" if verbosity >= 2 else "WARNING" if verbosity == 0 else "INFO")
        names = list(queues) or sorted(backend.queues)
        worker = get_worker(
            *names,
            job_class=RQ_JOB_CLASS,
            worker_class="rq.SimpleWorker" if no_fork else None,
            name=name,
        )
        if not no_fork:  # forked children must not share the parent's database connections
            reset_db_connections()
        if burst:
            # A burst ends when the queues are empty. RQ's command channel (pub/sub: `rq suspend`, kill-horse …)
            # is for long-lived workers; its listener thread waits up to 60 s on Redis before it can stop, so a
            # burst that subscribed would linger a minute after its last job (and hang under a faked clock).
            worker.subscribe = lambda: None
        worker.work(burst=burst, with_scheduler=True)
