"""`make bench`: runs every benchmark module under bench/ (each named bench_*.py with a `run()` function).

A benchmark prints its figures and the ratio to a baseline measured in the same process, at more than one size.
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    django.setup()
    import bench

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    wanted = [n for n in names if not argv or any(a in n for a in argv)]
    if not wanted:
        print("no benchmarks yet (bench/bench_*.py)")
        return 0
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0] if module.__doc__ else ''}")
        started = time.perf_counter()
        module.run()
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
