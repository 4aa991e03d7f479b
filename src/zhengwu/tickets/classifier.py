"""Text classifiers for dispatch, over segmented Chinese: scikit-learn when installed, else a built-in naive Bayes.

scikit-learn's is a logistic regression over TF-IDF (fitted by stochastic gradient descent on the log loss, which
takes a fraction of a second for thousands of tickets): its probabilities are what the operator's words (很可能 …)
are read from, and on held-back tickets they mean what they say (docs/tickets.md). Naive Bayes ranks well but its
probabilities crowd at 0 and 1.

Both answer the same questions: fit(documents, labels) and scores(document) → {label: probability}.
A document is a list of words (zhengwu.tickets.text.words).
"""

import math
from collections import Counter, defaultdict


def _identity(tokens):
    return tokens


class NaiveBayes:
    """Multinomial naive Bayes with Laplace smoothing and log-scaled term counts (a stand-in for scikit-learn)."""

    backend = "naive_bayes"

    def __init__(self, alpha: float = 0.3):
        self.alpha = alpha
        self.labels: list = []
        self.priors: dict = {}
        self.word_logp: dict = {}
        self.unknown_logp: dict = {}

    def fit(self, documents: list[list[str]], labels: list) -> "NaiveBayes":
        per_label: dict = defaultdict(Counter)
        docs_per_label: Counter = Counter(labels)
        vocabulary: set[str] = set()
        for words, label in zip(documents, labels, strict=True):
            for word, n in Counter(words).items():
                per_label[label][word] += 1 + math.log(n)
                vocabulary.add(word)
        total_docs = len(labels)
        self.labels = sorted(docs_per_label, key=str)
        v = max(1, len(vocabulary))
        for label in self.labels:
            counts = per_label[label]
            total = sum(counts.values()) + self.alpha * v
            self.priors[label] = math.log(docs_per_label[label] / total_docs)
            self.word_logp[label] = {w: math.log((c + self.alpha) / total) for w, c in counts.items()}
            self.unknown_logp[label] = math.log(self.alpha / total)
        self.vocabulary = vocabulary
        return self

    def scores(self, words: list[str]) -> dict:
        known = [w for w in words if w in self.vocabulary]
        if not self.labels:
            return {}
        logs = {}
        for label in self.labels:
            table, unknown = self.word_logp[label], self.unknown_logp[label]
            logs[label] = self.priors[label] + sum(table.get(w, unknown) for w in known)
        top = max(logs.values())
        exp = {label: math.exp(v - top) for label, v in logs.items()}
        total = sum(exp.values())
        return {label: v / total for label, v in exp.items()}


class SklearnClassifier:
    """TF-IDF over the segmented words and a logistic regression (scikit-learn)."""

    backend = "sklearn"

    def __init__(self, alpha: float = 1e-4):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import make_pipeline

        self.pipeline = make_pipeline(
            TfidfVectorizer(analyzer=_identity, sublinear_tf=True),
            SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=1e-4, random_state=0),
        )

    def fit(self, documents: list[list[str]], labels: list) -> "SklearnClassifier":
        self.pipeline.fit(documents, labels)
        return self

    @property
    def labels(self) -> list:
        return list(self.pipeline.classes_)

    def scores(self, words: list[str]) -> dict:
        probabilities = self.pipeline.predict_proba([words])[0]
        return {label: float(p) for label, p in zip(self.pipeline.classes_, probabilities, strict=True)}


def sklearn_available() -> bool:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def make(backend: str | None = None):
    """A new classifier: scikit-learn when installed (or asked for), else the built-in naive Bayes."""
    if backend == "naive_bayes" or (backend is None and not sklearn_available()):
        return NaiveBayes()
    return SklearnClassifier()
