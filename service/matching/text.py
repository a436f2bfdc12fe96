"""How alike two issue texts are, computed the same way on both databases so that the
percentage shown (内容相近 87%) does not depend on the dialect.

Chinese words are mostly two characters: the texts are compared as sets of character bigrams
(Dice: 2|A∩B| / (|A|+|B|)), after NFKC, without punctuation and without the names of the
enterprises involved (an enterprise's name in two of its calls says nothing about the problem;
同一企业 is a reason of its own). The indexes that find the candidates work on trigrams
(pg_trgm, FTS5 trigram); bigrams rank paraphrases better (docs/similar-issues.md)."""
import re
import unicodedata
from collections.abc import Iterable

# Punctuation, spaces and symbols carry nothing of what the problem is.
_NOISE = re.compile(r"[\W_]+", re.UNICODE)
# How much of the content is compared beside the title: the opening states the problem.
HEAD = 80


def normalise(text: str | None) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def ngrams(text: str | None, n: int) -> set[str]:
    s = normalise(text)
    if len(s) < n:
        return {s} if s else set()
    return {s[i:i + n] for i in range(len(s) - n + 1)}


def trigrams(text: str | None) -> set[str]:
    return ngrams(text, 3)


def dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _without(text: str | None, names: Iterable[str | None]) -> str:
    text = text or ""
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, "")
    return text


def issue_similarity(title_a: str, content_a: str | None, title_b: str, content_b: str | None,
                     names: Iterable[str | None] = ()) -> float:
    """The likeness of two issues, 0-1: the better of the titles' and of title plus the opening
    of the content (a caller's words and the registered title often differ, the problem they
    describe does not). `names` (enterprises, organisations) are left out of the content."""
    names = tuple(names)
    head_a = title_a + _without(content_a, names)[:HEAD]
    head_b = title_b + _without(content_b, names)[:HEAD]
    return max(dice(ngrams(title_a, 2), ngrams(title_b, 2)), dice(ngrams(head_a, 2), ngrams(head_b, 2)))
