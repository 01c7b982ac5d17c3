"""Text patterns used by the features, compiled once. Shapes, not phrases of any one page."""

from __future__ import annotations

import re

TERMINAL = re.compile(r"[.!?…。！？]['\"”’»)\]]*$")
SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)")
#: "Field: value" — a short label (1–4 words, no sentence punctuation) then a colon and a value.
KEY_VALUE = re.compile(r"^[^\W\d_][\w'’ /&()-]{0,30}?\s?[:：]\s*\S.{0,200}$", re.U)
#: Counters and ratings: "Views: 6455", "4.4 / 5", "(65 voted)", "88%", "1.2k views", "★★★★☆".
COUNTER = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:/|out of|von|sur|de)\s*\d+\b|\(\s*\d+\s*\w*\s*\)|\b\d+(?:[.,]\d+)?\s?%|"
    r"\b\d+(?:[.,]\d+)?[kKmM]?\s+(?:views?|likes?|shares?|comments?|votes?|voted|reviews?|ratings?|"
    r"replies|reads?|followers?|downloads?|answers?)\b|[★☆]{2,}",
    re.I,
)
URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|org|net|io|de|fr|co|uk)\b", re.I)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
PHONE = re.compile(r"(?:\+|\b)\d[\d ().-]{7,}\d\b")
DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b",
    re.I,
)
#: The characters every match of ``COUNTER``, ``PHONE`` and ``DATE`` starts with, in lower-cased text (see
#: ``for_lowered``).
COUNTER_STARTS = r"[\d(★☆]"
PHONE_STARTS = r"[+\d]"
DATE_STARTS = r"[\dadfjmnos]"
SEPARATORS = re.compile(r"[|»«›‹·•/>]")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NORM = re.compile(r"[\W_]+", re.U)


def for_lowered(p: re.Pattern[str], starts: str | None = None, multiline: bool = False) -> re.Pattern[str]:
    """``p`` for lower-cased text.

    Without ``re.I``, which makes Python's engine several times slower. ``starts``, the characters every
    match begins with, goes in a lookahead: the engine then skips all other positions with a fast scan
    instead of trying the pattern at each one (2-3 times faster on pages of long lines with digits).
    """
    flags = (p.flags & ~re.I) | (re.M if multiline else 0)
    return re.compile(p.pattern if starts is None else f"(?={starts})(?:{p.pattern})", flags)


def normalise_line(text: str) -> str:
    """A line's identity for repetition checks: lower-cased letters and digits only."""
    return _NORM.sub(" ", text.lower()).strip()


def line_keys(texts: list[str], toks: list[list[str]], max_chars: int,
              plain: list[bool] | None = None) -> list[str]:
    r"""``normalise_line`` of each text under ``max_chars`` characters (longer ones as they are).

    ``toks`` are each text's lower-cased ``\w+`` runs where ``plain`` is true (default: every text).
    ``normalise_line`` joins the runs of ``[^\W_]`` with single spaces, so in a plain text without "_" the
    key is the tokens joined, which saves a regex substitution per line; other texts go through
    ``normalise_line`` itself.
    """
    return [
        t if len(t) >= max_chars else " ".join(ts) if p and "_" not in t else normalise_line(t)
        for t, ts, p in zip(texts, toks, [True] * len(texts) if plain is None else plain, strict=True)
    ]


#: Headings that open a run of junk: comments, related links, share bars, sign-up boxes (HTML path).
HTML_JUNK_HEADING = re.compile(
    r"\b(?:comments?|leave a (?:reply|comment)|related|recommended|popular|trending|most (?:read|viewed)|"
    r"you (?:may|might) (?:also )?like|more (?:from|stories|articles|news)|read (?:next|more)|"
    r"share (?:this|on)|follow us|newsletter|subscribe|sign up|tags?|categories|about the author|"
    r"kommentare?|ähnliche|commentaires?|articles? (?:liés|similaires)|comentarios?|relacionad[oa]s|"
    r"commenti|correlati)\b",
    re.I,
)


def _word_list(name: str) -> tuple[str, ...]:
    """Words of ``data/patterns/<name>.txt`` (one a line, ``#`` comments), lower-cased."""
    from importlib import resources

    text = (resources.files("declutter") / "data" / "patterns" / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(w.strip().lower() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#"))


Trie = dict[str, "Trie"]
"""A prefix trie: one child per next character; the key "" marks the end of a word."""


def prefix_trie(words: list[str]) -> Trie:
    """The words' prefix trie (shared by ``trie_pattern`` and the compiled class-word matcher)."""
    trie: Trie = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


def trie_pattern(words: list[str]) -> str:
    """One regex for many literal words, shaped as their prefix trie: at each position Python's engine follows
    one branch per letter instead of trying every word, and optional tails are greedy, so it matches the
    longest word starting there (and backtracks to shorter ones when what follows does not fit)."""

    def build(node: Trie) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"
        return f"(?:{body})?" if "" in node else body

    return build(prefix_trie(words))


#: Interface phrases common to many sites and languages (share bars, cookie lines, menus, pagination); the
#: phrases are data, matched as a trie (faster than an alternation of the phrases).
BOILERPLATE = re.compile(rf"\b(?:{trie_pattern(list(_word_list('boilerplate-phrases')))})\b|©", re.I)

#: Words that, in a short line, announce a run of interface text (text path); the list is data.
_JUNK_WORDS = sorted(_word_list("junk-heading-words"), key=len, reverse=True)
TEXT_JUNK_HEADING = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in _JUNK_WORDS) + r")(?!\w)", re.I)

#: The value of a JSON-LD ``"@type"``: one quoted name or a list of them.
JSON_LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]{0,400}\]|"[^"]{0,100}")')
