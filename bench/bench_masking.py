"""Masking: recall and precision per kind of personal data on labelled 12345 texts, and the time per text.

Three sets of texts in bench/data/, written in the style of hotline records, web messages and replies, with every
piece of personal data marked: the development set (the detectors were written against it: its figures are
optimistic), the held-out set (written after the detectors; its first run found gaps that were then fixed) and the
fresh set (written last, measured without tuning: the honest estimate). A marked piece counts as found when findings
of its kind cover all of it; a finding counts as right when it overlaps a marked piece of its kind. The time per text
is measured on the texts as written and on texts ten times as long (ten joined): the ratio shows how masking grows
with length.
"""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "masking_texts.txt"
HELD_OUT = CORPUS.with_name("masking_heldout.txt")
FRESH = CORPUS.with_name("masking_fresh.txt")
SETS = {"development": CORPUS, "held-out": HELD_OUT, "fresh": FRESH}
_MARK = re.compile(r"\[\[(?P<kind>[a-z_]+):(?P<value>.+?)\]\]")


@dataclass
class Sample:
    text: str
    marks: list[tuple[str, int, int]]  # (kind, start, end) in the plain text


def parse(line: str) -> Sample:
    """A line of the corpus as plain text and the spans of its marks."""
    plain, marks, last = [], [], 0
    length = 0
    for m in _MARK.finditer(line):
        plain.append(line[last : m.start()])
        length += m.start() - last
        marks.append((m["kind"], length, length + len(m["value"])))
        plain.append(m["value"])
        length += len(m["value"])
        last = m.end()
    plain.append(line[last:])
    return Sample("".join(plain), marks)


def load(path: Path = CORPUS) -> list[Sample]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse(line) for line in lines if line.strip() and not line.startswith("#")]


@dataclass
class Score:
    marked: int = 0
    found: int = 0
    findings: int = 0
    right: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.marked if self.marked else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.findings if self.findings else 1.0


def score(samples: list[Sample], detector=None) -> dict[str, Score]:
    """Recall and precision per kind of the masking library (or of `detector`) on the samples."""
    from zhengwu.core.personal_data import KINDS, detect

    scores = {kind: Score() for kind in KINDS}
    for sample in samples:
        findings = (detector or detect)(sample.text)
        for kind, start, end in sample.marks:
            s = scores[kind]
            s.marked += 1
            covered = {i for f in findings if f.kind == kind for i in range(f.start, f.end)}
            if set(range(start, end)) <= covered:
                s.found += 1
            else:
                s.missed.append(f"{sample.text[start:end]} in {sample.text}")
        for f in findings:
            s = scores[f.kind]
            s.findings += 1
            if any(kind == f.kind and f.start < end and start < f.end for kind, start, end in sample.marks):
                s.right += 1
            else:
                s.wrong.append(f"{sample.text[f.start : f.end]} in {sample.text}")
    return scores


def leaks(samples: list[Sample]) -> list[str]:
    """Marked pieces some character of which survives masking (whatever kind the finding that covers it has)."""
    from zhengwu.core.personal_data import detect

    left = []
    for sample in samples:
        covered = {i for f in detect(sample.text) for i in range(f.start, f.end)}
        left += [sample.text[s:e] for _, s, e in sample.marks if not set(range(s, e)) <= covered]
    return left


def rules_only(text: str) -> list:
    """The baseline: every detector but jieba's name tagger (the rules alone), without resolving overlaps."""
    from zhengwu.core.personal_data import DETECTORS, find_names_by_context

    return [f for kind, find in DETECTORS.items() if kind != "name" for f in find(text)] + list(
        find_names_by_context(text)
    )


def _per_text(texts: list[str], work, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            work(text)
        best = min(best, time.perf_counter() - started)
    return best / len(texts)


def run():
    from zhengwu.core.personal_data import mask_text

    mask_text("预热 jieba 的词典")  # the first call loads the dictionary
    every = []
    for name, path in SETS.items():
        samples = load(path)
        every += samples
        print(f"   {name} set: {len(samples)} texts, {sum(len(s.marks) for s in samples)} marked pieces")
        for kind, s in score(samples).items():
            print(
                f"     {kind:<10} recall {s.recall:6.1%} ({s.found:>3}/{s.marked:<3})  "
                f"precision {s.precision:6.1%} ({s.right:>3}/{s.findings:<3})"
            )
        left = leaks(samples)
        print(f"     pieces not wholly masked: {len(left)}" + (f" ({', '.join(left[:6])})" if left else ""))
    texts = [s.text for s in every]
    longer = ["".join(texts[i : i + 10]) for i in range(0, len(texts) - 9, 10)]
    chars = sum(map(len, texts)) / len(texts)
    for label, work in (("mask_text", mask_text), ("rules alone (baseline)", rules_only)):
        short, long = _per_text(texts, work), _per_text(longer, work)
        print(
            f"   {label}: {short * 1e3:.2f} ms per text of {chars:.0f} characters, {long * 1e3:.2f} ms at "
            f"{chars * 10:.0f} (×{long / short:.1f} for ×10 length)"
        )
    with_tagger, without = score(every)["name"], score(every, rules_only)["name"]
    print(
        f"   names, all {len(every)} texts: recall {with_tagger.recall:.1%} with jieba's tagger, "
        f"{without.recall:.1%} by the rules alone ({with_tagger.found - without.found} more found)"
    )
