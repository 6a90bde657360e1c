"""Cue-word patterns that stay fast: matched case-sensitively on a lower-cased text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

# Python's ``re`` tries every alternative of a case-insensitive alternation
# at every position of the text; on lower-cased text with lower-case
# literals it can reject most alternatives by their first character. The
# patterns in this package are therefore written in lower case, compiled
# without ``re.IGNORECASE`` and matched against ``fold(text)``, whose
# positions are those of ``text``, so spans can be cut from the original.

_SPECIAL_START = frozenset("\\([.^$*+?{|")


@functools.lru_cache(maxsize=8)
def fold(text: str) -> str:
    """``text`` in lower case with every character at its original position.

    The few characters whose lower case is longer (``İ`` → ``i̇``) keep
    only the first character of it, so lengths always match. The last few
    texts are remembered: every finder folds the same alert text.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower()[:1] or c for c in text)


def one_of(alternatives: Iterable[str]) -> str:
    """A non-capturing alternation of regex fragments, as a trie of their
    literal beginnings.

    ``one_of(["debited", "deposited", "spent"])`` gives
    ``(?:de(?:bited|posited)|spent)``: at each position the engine reads
    each character once instead of trying every alternative, and rejects a
    branch on its first letter. Where one fragment continues another
    (``refund``, ``refunded``), the longer is tried first. What follows a
    fragment's literal beginning (``purchase[sd]?``) stays as written.
    """
    root: _Node = {}
    for fragment in alternatives:
        prefix, rest = _literal_prefix(fragment)
        node = root
        for atom in prefix:
            node = node.setdefault(atom, {})  # type: ignore[assignment]
        node.setdefault(_END, []).append(rest)  # type: ignore[union-attr]
    return "(?:" + "|".join(_emit(root)) + ")"


_Node = dict[str, "_Node | list[str]"]
_END = ""
_QUANTIFIERS = frozenset("?*+{")
_SPECIAL = frozenset("\\()[]{}.*+?|^$")


def _literal_prefix(fragment: str) -> tuple[list[str], str]:
    """The fragment's leading literal characters (as regex source, one per
    character) and the rest of it."""
    atoms, _text, rest = _split_literal(fragment)
    return atoms, rest


def _split_literal(fragment: str) -> tuple[list[str], str, str]:
    """The leading literal characters as regex source and as plain text, and
    the rest of the fragment."""
    atoms: list[str] = []
    plain: list[str] = []
    index = 0
    while index < len(fragment):
        char = fragment[index]
        if (
            char == "\\"
            and index + 1 < len(fragment)
            and not fragment[index + 1].isalnum()
        ):
            atom, step = fragment[index : index + 2], 2
        elif char in _SPECIAL:
            break
        else:
            atom, step = re.escape(char), 1
        if fragment[index + step : index + step + 1] in _QUANTIFIERS:
            break
        atoms.append(atom)
        plain.append(fragment[index + step - 1])
        index += step
    return atoms, "".join(plain), fragment[index:]


def _emit(node: _Node) -> list[str]:
    """The alternatives a trie node stands for: literal continuations first
    (so longer words win), then the fragments' remaining regex, then the
    empty match if a fragment ends here."""
    branches = []
    for atom, child in node.items():
        if atom == _END:
            continue
        assert isinstance(child, dict)
        inner = _emit(child)
        if len(inner) == 1:
            branches.append(atom + inner[0])
        else:
            branches.append(atom + "(?:" + "|".join(inner) + ")")
    ends = node.get(_END, [])
    assert isinstance(ends, list)
    branches.extend(rest for rest in ends if rest)
    if "" in ends:
        branches.append("")
    return branches


def words(alternatives: Iterable[str]) -> str:
    """``one_of`` between word boundaries: whole words and phrases only."""
    return r"\b" + one_of(alternatives) + r"\b"


def word_starts(low: str, starts: Iterable[str]) -> list[int]:
    """Where one of the literal ``starts`` begins a word in ``low``, in order.

    ``str.find`` runs at memory speed, so finding a handful of rare words
    this way and trying a pattern only there beats scanning the whole text
    with the pattern.
    """
    found = []
    for start in starts:
        index = low.find(start)
        while index >= 0:
            if not index or not (low[index - 1].isalnum() or low[index - 1] == "_"):
                found.append(index)
            index = low.find(start, index + 1)
    found.sort()
    return found


def matches_at(
    low: str, pattern: re.Pattern[str], starts: Iterable[str]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer`` limited to the word starts ``word_starts`` gives.

    ``pattern`` must begin with one of ``starts`` (and no ``\\b``): the
    matches are those of ``\\b`` + ``pattern`` over the whole text.
    """
    taken_until = 0
    for position in word_starts(low, starts):
        if position < taken_until:
            continue
        match = pattern.match(low, position)
        if match is not None:
            taken_until = match.end()
            yield match


class RareWords:
    """Words and phrases found by ``str.find`` of their literal beginnings,
    then checked with the pattern at each word start found (see
    ``matches_at``): much faster than a regex scan when the words are rare.

    ``finditer`` and ``search`` give what ``\\b`` + the alternation would,
    on text folded with ``fold``.
    """

    __slots__ = ("pattern", "starts")

    def __init__(self, fragments: Iterable[str], tail: str = r"\b") -> None:
        fragments = list(fragments)
        self.pattern = re.compile(one_of(fragments) + tail)
        starts: set[str] = set()
        for fragment in fragments:
            _atoms, plain, _rest = _split_literal(fragment)
            if not plain:
                raise ValueError(f"{fragment!r} does not start with a literal")
            starts.add(plain)
        # A start that another start begins is found by that one already.
        self.starts = tuple(
            sorted(
                s for s in starts if not any(s != o and s.startswith(o) for o in starts)
            )
        )

    def finditer(self, low: str) -> Iterator[re.Match[str]]:
        return matches_at(low, self.pattern, self.starts)

    def search(self, low: str) -> re.Match[str] | None:
        return next(self.finditer(low), None)
