"""Pregroup grammar: types, a lexicon file format, and a parser to DisCoPy diagrams.

A pregroup type is a string of basic types with adjoints: ``n`` is a noun,
``n.r`` its right adjoint, ``n.l`` its left, ``n.l.l`` the left adjoint of
``n.l``.  The only reductions are the cups ``x @ x.r -> 1`` and
``x.l @ x -> 1`` (in DisCoPy both read ``Cup(a, b)`` with ``b == a.r``).  A
sentence is grammatical of type ``t`` when the words' types, one chosen per
word, reduce by planar cups to ``t``.

The lexicon format, one entry per line, ``#`` starting a comment::

    man: n
    prepares: n.r s n.l
    that: n.r n n.l.l s.l | n.r n s.l n

>>> lex = parse_lexicon("man: n\\nsauce: n\\nprepares: n.r s n.l\\nskillful: n n.l")
>>> lex.types("prepares")
(grammar.pregroup.Ty(rigid.Ob('n', z=1), rigid.Ob('s'), rigid.Ob('n', z=-1)),)
>>> d = parse("skillful man prepares sauce.", lex)
>>> d.cod, len(d.boxes)
(grammar.pregroup.Ty(rigid.Ob('s')), 7)
>>> try:
...     parse("man man", lex)
... except GrammarError as error:
...     print(error)
'man man' has no reduction to s with this lexicon
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from discopy.grammar.pregroup import Cup, Diagram, Ty, Word

from catlearn.errors import DataError

PUNCTUATION = frozenset(".,?!")
MAX_READINGS = 4096  # type assignments tried per sentence before giving up


class GrammarError(DataError):
    """A lexicon line, a word or a sentence that the grammar cannot read."""


def parse_type(text: str) -> Ty:
    """``"n.r s n.l"`` as a DisCoPy pregroup type (``.l`` and ``.r`` may repeat).

    >>> parse_type("n.l.l s")
    grammar.pregroup.Ty(rigid.Ob('n', z=-2), rigid.Ob('s'))
    """
    result = Ty()
    for token in text.split():
        base, *adjoints = token.split(".")
        if not base or not base.isidentifier() or any(a not in ("l", "r") for a in adjoints):
            raise GrammarError(f"bad pregroup type {token!r}: write a name then .l or .r "
                               "suffixes, like n, n.r, n.l.l")
        ty = Ty(base)
        for a in adjoints:
            ty = ty.l if a == "l" else ty.r
        result = result @ ty
    if not result:
        raise GrammarError("empty pregroup type")
    return result


def type_text(ty: Ty) -> str:
    """The inverse of :func:`parse_type`: ``n.r s n.l``."""
    return " ".join(ob.name + (".l" * -ob.z if ob.z < 0 else ".r" * ob.z) for ob in ty.inside)


@dataclass(frozen=True)
class Lexicon:
    """Words and their pregroup types: ``entries`` maps a word to a tuple of types."""

    entries: dict

    def types(self, word: str) -> tuple:
        return self.entries[word]

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    @property
    def basic_types(self) -> tuple[str, ...]:
        """The names of the basic types, sorted."""
        return tuple(sorted({ob.name for ts in self.entries.values() for t in ts
                             for ob in t.inside}))

    def to_text(self) -> str:
        """The lexicon in its file format (what :func:`parse_lexicon` reads)."""
        return "".join(f"{w}: {' | '.join(type_text(t) for t in ts)}\n"
                       for w, ts in self.entries.items())


def parse_lexicon(text: str, source: str = "lexicon") -> Lexicon:
    """Read the ``WORD: TYPE [| TYPE ...]`` format; errors name ``source`` and the line."""
    entries: dict = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, colon, rest = line.partition(":")
        word = word.strip()
        if not colon or not word or len(word.split()) != 1:
            raise GrammarError(f"{source}, line {number}: expected 'WORD: TYPE [| TYPE ...]', "
                               f"got {line!r}")
        try:
            types = tuple(parse_type(t) for t in rest.split("|"))
        except GrammarError as error:
            raise GrammarError(f"{source}, line {number} ({word}): {error}") from None
        entries[word] = entries.get(word, ()) + tuple(t for t in types
                                                      if t not in entries.get(word, ()))
    if not entries:
        raise GrammarError(f"{source}: no entries (expected lines like 'man: n')")
    return Lexicon(entries)


def read_lexicon(path) -> Lexicon:
    """:func:`parse_lexicon` of a file."""
    with open(path, encoding="utf-8") as f:
        return parse_lexicon(f.read(), str(path))


def tokens(sentence: str, lexicon: Lexicon, where: str = "sentence") -> list[str]:
    """The words of ``sentence``: punctuation not in the lexicon dropped, unknown words an error.

    >>> tokens("man, man!", parse_lexicon("man: n"))
    ['man', 'man']
    """
    words = []
    for raw in sentence.split():
        core = raw if raw in lexicon else raw.rstrip("".join(PUNCTUATION))
        if core and core not in lexicon:
            raise GrammarError(f"{where}: unknown word {core!r} (not in the lexicon)")
        words += [core] if core else []
        words += [p for p in raw[len(core):] if p in lexicon]
    if not words:
        raise GrammarError(f"{where}: no words")
    return words


# -- the parser: planar cups, by dynamic programming over intervals ------------------


def _reduces(obs: list) -> list[list]:
    """``empty[i][j]``: the cup matching of ``obs[i:j]`` to the empty type, or ``None``."""
    n = len(obs)
    empty = [[None] * (n + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        empty[i][i] = ()
    for length in range(2, n + 1, 2):
        for i in range(n - length + 1):
            j = i + length
            for k in range(i + 1, j, 2):  # obs[i] cups with obs[k]
                if (Ty(obs[i]).r == Ty(obs[k]) and empty[i + 1][k] is not None
                        and empty[k + 1][j] is not None):
                    empty[i][j] = ((i, k),) + empty[i + 1][k] + empty[k + 1][j]
                    break
    return empty


def _reduction(obs: list, target: list):
    """Cups reducing ``obs`` to ``target`` (kept wires not under any cup), or ``None``."""
    empty = _reduces(obs)
    n, m = len(obs), len(target)

    @_memo
    def go(i: int, t: int):  # obs[i:] to target[t:]
        if t == m:
            return empty[i][n]
        for k in range(i, n):
            if obs[k] == target[t] and empty[i][k] is not None:
                rest = go(k + 1, t + 1)
                if rest is not None:
                    return empty[i][k] + rest
        return None
    return go(0, 0)


def _memo(fn):
    cache: dict = {}

    def run(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]
    return run


def _diagram(words: list[str], types: list, cups) -> Diagram:
    """The words side by side, then the cups, innermost first."""
    diagram = Diagram.id(Ty()).tensor(*(Word(w, t) for w, t in zip(words, types)))
    wires = list(range(len(diagram.cod)))
    pending = sorted(cups, key=lambda c: c[1] - c[0])
    while pending:
        left, right = pending.pop(0)
        at = wires.index(left)
        cod = diagram.cod
        diagram = diagram >> cod[:at] @ Cup(cod[at:at + 1], cod[at + 1:at + 2]) @ cod[at + 2:]
        del wires[at:at + 2]
    return diagram


def parse(sentence: str, lexicon: Lexicon, target="s", where: str = "sentence") -> Diagram:
    """The pregroup diagram of ``sentence`` reducing to ``target`` (a type or its text).

    Tries the words' type assignments in lexicon order and returns the first
    that reduces; raises :class:`GrammarError` naming ``where`` otherwise.
    """
    target = parse_type(target) if isinstance(target, str) else target
    words = tokens(sentence, lexicon, where)
    choices = itertools.product(*(lexicon.types(w) for w in words))
    for types in itertools.islice(choices, MAX_READINGS):
        obs = [ob for t in types for ob in t.inside]
        cups = _reduction(obs, list(target.inside))
        if cups is not None:
            return _diagram(words, list(types), cups)
    raise GrammarError(f"{where if where != 'sentence' else repr(' '.join(words))} has no "
                       f"reduction to {type_text(target)} with this lexicon"
                       + ("" if where == "sentence" else f": {' '.join(words)!r}"))
