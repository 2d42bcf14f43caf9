"""Regular expressions for "any of these words" that the regex engine can run quickly.

Python's ``re`` tries the branches of an alternation one by one at every position, so an
alternation of a thousand words costs a thousand comparisons per word start. Factored as a
character trie (``care|carer|cash`` -> ``ca(?:re(?:r|)|sh)``) the engine compares one
character per level instead. Each word may carry a continuation (a regex source that must
follow it); the factored pattern matches at a position exactly when the plain alternation
``word1 cont1 | word2 cont2 | ...`` would match there (the set of strings is the same; only
which branch is tried first differs, so use it to find *where* something matches).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_END = ""  # trie key for "a word ends here" (never a character of a word)


def trie_pattern(words: Mapping[str, str]) -> str:
    """Regex source matching any key of ``words`` followed by its continuation source."""
    root: dict[str, object] = {}
    for word, continuation in words.items():
        if not word:
            raise ValueError("empty word")
        node = root
        for ch in word:
            child = node.setdefault(ch, {})
            assert isinstance(child, dict)
            node = child
        node[_END] = continuation
    return _emit(root)


def _emit(node: Mapping[str, object]) -> str:
    branches: list[str] = []
    for ch in sorted(key for key in node if key != _END):
        child = node[ch]
        assert isinstance(child, dict)
        branches.append(re.escape(ch) + _emit(child))
    if _END in node:
        branches.append(str(node[_END]))
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def grouped_alternation(alternatives: tuple[str, ...] | list[str]) -> str:
    """``(?:a1|a2|...)`` with the alternatives that start with the same plain letter grouped.

    ``care|cash|dog`` -> ``(?:c(?:are|ash)|dog)``. A leading ``\\b`` of an alternative is
    dropped (callers anchor the whole group at a word start). The group matches the same
    strings at the same positions; only the order in which alternatives are tried changes,
    so use it where the question is *whether* (or where) something matches, not which.
    """
    groups: dict[str, list[str]] = {}
    other: list[str] = []
    for alternative in alternatives:
        source = alternative.removeprefix("\\b")
        first, rest = source[:1], source[1:]
        if first.isalnum() and first.isascii() and not rest.startswith(("?", "*", "+", "{")):
            groups.setdefault(first, []).append(rest)
        else:
            other.append(source)
    branches = [
        first + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
        for first, rests in sorted(groups.items())
    ]
    return "(?:" + "|".join(branches + other) + ")"
