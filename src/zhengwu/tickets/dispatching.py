"""Dispatch suggestions: which organisation should lead a ticket, learned from past dispatches and duty descriptions.

`train()` (the `tickets train` command) fits a classifier on past tickets, measures it on the most recent ones held
back, then fits again on everything and stores it; `suggest()` ranks organisations for a ticket with a score.
"""

import pickle
import random
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from zhengwu.core import audit, clock
from zhengwu.core.models import Organisation
from zhengwu.tickets import classifier, text
from zhengwu.tickets.models import DispatchModel, Status, Ticket

DUTY_REPEATS = (
    3  # a duty description counts as much as three past tickets: it is what the organisation is for
)


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float


@dataclass(frozen=True)
class TrainReport:
    backend: str
    samples: int
    held_out: int
    accuracy: float | None
    baseline_accuracy: float | None
    model_id: int | None


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
    rows = Organisation.objects.filter(is_active=True).exclude(duties="").values_list("name", "duties", "pk")
    return [(text.words(f"{name} {duties}"), pk) for name, duties, pk in rows for _ in range(DUTY_REPEATS)]


def evaluate(train: list, test: list, backend: str | None = None) -> tuple[float, float, object]:
    """Accuracy of a classifier fitted on `train` (plus duties) on `test`, and of the majority-class baseline."""
    model = classifier.make(backend).fit(*_columns(train + duty_examples()))
    hits = 0
    for words, label in test:
        scores = model.scores(words)
        hits += bool(scores) and max(scores, key=scores.get) == label
    majority = Counter(label for _, label in train).most_common(1)[0][0] if train else None
    baseline = sum(label == majority for _, label in test)
    n = max(1, len(test))
    return hits / n, baseline / n, model


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
    accuracy = baseline = None
    if examples[cut:] and examples[:cut]:
        accuracy, baseline, _ = evaluate(examples[:cut], examples[cut:], backend)
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
                "baseline": baseline,
                "backend": model.backend,
            },
        )
    _cache.clear()
    return TrainReport(model.backend, len(examples), len(examples) - cut, accuracy, baseline, stored.pk)


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


def suggest(ticket: Ticket, *, limit: int = 5) -> list[Suggestion]:
    """Organisations ranked for leading this ticket, with scores that sum to at most 1."""
    words = ticket_words(ticket.title, ticket.content, ticket.category.name)
    model = current_model()
    if model is None:  # nothing trained yet: rank by the duty descriptions alone
        model = classifier.make("naive_bayes").fit(*_columns(duty_examples()))
    scores = model.scores(words) if getattr(model, "labels", None) else {}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
    orgs = Organisation.objects.in_bulk([pk for pk, _ in ranked])
    return [Suggestion(orgs[pk], round(score, 3)) for pk, score in ranked if pk in orgs]
