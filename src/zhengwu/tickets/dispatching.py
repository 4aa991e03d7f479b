"""Dispatch suggestions: which organisation should lead a ticket, learned from past dispatches and duty descriptions.

`train()` (the `tickets train` command) fits a classifier on past tickets, measures it on the most recent ones held
back (is the lead the first suggestion; is it among the first three), then fits again on everything and stores it;
`suggest()` ranks organisations for a ticket with a score, and `likelihood()` says what the score means in words.
"""

import pickle
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import audit, clock
from zhengwu.core.models import Organisation
from zhengwu.tickets import classifier, permissions, text
from zhengwu.tickets.models import DispatchModel, Status, Ticket

DUTY_REPEATS = (
    3  # a duty description counts as much as three past tickets: it is what the organisation is for
)


# What a suggestion's score (the model's probability that this organisation leads the ticket) is called on the
# operator's screen; numbers are for machines (the API). Measured on the demo history's held-back tickets (`make bench
# ARGS=tickets`, 250 to 3,000 past tickets): suggestions called 很可能 were the lead 88–99 % of the time, 可能 about
# half (37–77 %), 也可能 under one in ten.
LIKELY = 0.5  # 很可能
POSSIBLE = 0.2  # 可能; below: 也可能
TOP = 3  # suggestions the operator is shown


def likelihood(score: float) -> str:
    """The word for a suggestion's score: 很可能 (≥ 0.5), 可能 (≥ 0.2) or 也可能."""
    if score >= LIKELY:
        return _("很可能")
    if score >= POSSIBLE:
        return _("可能")
    return _("也可能")


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float

    @property
    def likelihood(self) -> str:
        return likelihood(self.score)

    @property
    def tone(self) -> str:
        """likely, possible or also: how the page shows the word."""
        return "likely" if self.score >= LIKELY else "possible" if self.score >= POSSIBLE else "also"


@dataclass(frozen=True)
class TrainReport:
    backend: str
    samples: int
    held_out: int
    accuracy: float | None  # the lead was the first suggestion
    baseline_accuracy: float | None  # …of always suggesting the organisation that led the most past tickets
    model_id: int | None
    top3_accuracy: float | None = None  # the lead was among the first three suggestions
    measure: "Measure | None" = None  # the held-back figures in full (words included)


@dataclass(frozen=True)
class Measure:
    """How a classifier fitted on some past tickets did on others held back."""

    top1: float
    top3: float
    baseline: float
    # For each word, of the first three suggestions shown with it: how many were shown, how many were the lead.
    words: dict[str, tuple[int, int]] = field(default_factory=dict)


def ticket_words(title: str, content: str, category_name: str = "") -> list[str]:
    return text.words(f"{category_name} {title} {content}")


def past_examples(limit: int | None = None) -> list[tuple[list[str], int]]:
    """(words, lead organisation id) of tickets that were dispatched and not returned by that lead, oldest first."""
    qs = (
        Ticket.objects.filter(lead_organisation__isnull=False)
        .exclude(status__in=[Status.RETURNED, Status.MERGED])
        .select_related("category")
        .order_by("received_at", "id")
        .values_list("title", "content", "category__name", "lead_organisation_id")
    )
    if limit:
        qs = qs[:limit]
    return [(ticket_words(t, c, n), org) for t, c, n, org in qs]


def duty_examples() -> list[tuple[list[str], int]]:
    # only organisations a ticket may be dispatched to learn from their duties (the hotline's own describes 12345)
    rows = permissions.handling_organisations().exclude(duties="").values_list("name", "duties", "pk")
    examples = [(text.words(f"{name} {duties}"), pk) for name, duties, pk in rows]
    return [example for example in examples for _ in range(DUTY_REPEATS)]


def evaluate(train: list, test: list, backend: str | None = None) -> tuple[Measure, object]:
    """Top-1 and top-3 accuracy of a classifier fitted on `train` (plus duties) on `test`, and the accuracy of
    always answering the organisation that led the most tickets of `train` (the majority-class baseline)."""
    model = classifier.make(backend).fit(*_columns(train + duty_examples()))
    top1 = top3 = 0
    shown: Counter = Counter()
    right: Counter = Counter()
    for words, label in test:
        scores = model.scores(words)
        ranked = sorted(scores, key=lambda k: -scores[k])[:TOP]
        top1 += bool(ranked) and ranked[0] == label
        top3 += label in ranked
        for candidate in ranked:
            word = likelihood(scores[candidate])
            shown[word] += 1
            right[word] += candidate == label
    majority = Counter(label for _, label in train).most_common(1)[0][0] if train else None
    baseline = sum(label == majority for _, label in test)
    n = max(1, len(test))
    words = {word: (shown[word], right[word]) for word in shown}
    return Measure(top1 / n, top3 / n, baseline / n, words), model


def _columns(examples):
    return [w for w, _ in examples], [label for _, label in examples]


def train(
    *, held_out: float = 0.2, backend: str | None = None, shuffle_seed: int | None = None
) -> TrainReport:
    """Fit, measure on the most recent `held_out` share of past tickets, refit on everything and store the model."""
    examples = past_examples()
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(examples)
    cut = int(len(examples) * (1 - held_out))
    measure = None
    if examples[cut:] and examples[:cut]:
        measure, _model = evaluate(examples[:cut], examples[cut:], backend)
    accuracy = measure.top1 if measure else None
    baseline = measure.baseline if measure else None
    everything = examples + duty_examples()
    if not everything:
        return TrainReport("none", 0, 0, None, None, None)
    model = classifier.make(backend).fit(*_columns(everything))
    with transaction.atomic():
        stored = DispatchModel.objects.create(
            trained_at=clock.now(),
            backend=model.backend,
            samples=len(examples),
            accuracy=accuracy,
            baseline_accuracy=baseline,
            blob=pickle.dumps(model),
        )
        audit.record(
            "tickets.dispatch_model_trained",
            stored,
            summary={
                "samples": len(examples),
                "accuracy": accuracy,
                "top3_accuracy": measure.top3 if measure else None,
                "baseline": baseline,
                "backend": model.backend,
            },
        )
    _cache.clear()
    return TrainReport(
        model.backend,
        len(examples),
        len(examples) - cut,
        accuracy,
        baseline,
        stored.pk,
        top3_accuracy=measure.top3 if measure else None,
        measure=measure,
    )


_cache: dict = {}


def current_model():
    """The latest stored model (cached in this process until a newer one is stored), or None."""
    latest = DispatchModel.objects.order_by("-trained_at", "-id").values_list("pk", flat=True).first()
    if latest is None:
        return None
    if latest not in _cache:
        _cache.clear()
        blob = DispatchModel.objects.values_list("blob", flat=True).get(pk=latest)
        _cache[latest] = pickle.loads(bytes(blob))  # noqa: S301 — written by train() above, never by a user
    return _cache[latest]


def suggest(ticket: Ticket, *, limit: int = TOP) -> list[Suggestion]:
    """Organisations ranked for leading this ticket, with scores that sum to at most 1."""
    words = ticket_words(ticket.title, ticket.content, ticket.category.name)
    model = current_model()
    if model is None:  # nothing trained yet: rank by the duty descriptions alone
        model = classifier.make("naive_bayes").fit(*_columns(duty_examples()))
    scores = model.scores(words) if getattr(model, "labels", None) else {}
    # a past lead no longer dispatched to (merged away, or the hotline itself in old data) is not suggested
    orgs = permissions.handling_organisations().in_bulk([pk for pk in scores])
    ranked = sorted(((pk, score) for pk, score in scores.items() if pk in orgs), key=lambda kv: -kv[1])[
        :limit
    ]
    return [Suggestion(orgs[pk], round(score, 3)) for pk, score in ranked if pk in orgs]
