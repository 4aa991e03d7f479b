"""Sum the per-test CPU times `ZHENGWU_TEST_CPU=file pytest …` wrote: by file, by directory, in all.

ZHENGWU_TEST_CPU=var/cpu.tsv .venv/bin/pytest -n 2 -q && .venv/bin/python scripts/test_cpu.py var/cpu.tsv
"""

import sys
from collections import Counter


def main(paths: list[str], top: int = 30) -> None:
    by_file: Counter = Counter()
    by_dir: Counter = Counter()
    count = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                seconds, nodeid = line.rstrip("\n").split("\t")[
                    :2
                ]  # then the xdist worker, where there is one
                name = nodeid.split("::", 1)[0]
                by_file[name] += float(seconds)
                by_dir[name.rsplit("/", 1)[0]] += float(seconds)
                count += 1
    total = sum(by_file.values())
    print(f"{count} tests, {total:.0f} s of CPU in the test processes")
    print("by directory:")
    for name, seconds in by_dir.most_common():
        print(f"  {seconds:7.1f} s {100 * seconds / total:4.1f} %  {name}")
    print(f"the {top} costliest files:")
    for name, seconds in by_file.most_common(top):
        print(f"  {seconds:7.1f} s {100 * seconds / total:4.1f} %  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
