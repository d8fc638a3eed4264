"""Schemas: finitely presented categories (Gavranović, *Compositional Deep Learning*, ch. 4).

A schema has objects, generating morphisms ``f : A -> B`` and path equations.  Its
morphisms are the paths of the free category on the generators, taken modulo the
equations.  Objects may be finite products of atomic objects (``O * Z``), which the
insertion/deletion schema needs: deleting an object from an image gives the image
without it *and* a latent code of what was removed.

Laws: paths compose associatively with identities as units, and an equation has two
sides with the same domain and codomain.

>>> A, B = Ob("A"), Ob("B")
>>> f, g = Arrow("f", A, B), Arrow("g", B, A)
>>> cycle = Schema((A, B), (f, g), (Equation(f >> g, Path.id(A)),
...                                  Equation(g >> f, Path.id(B))))
>>> cycle.equations[0]
Equation(g.f = id_A)
>>> (f >> g >> f).dom, (f >> g >> f).cod
(A, B)
>>> ((f >> g) >> f) == (f >> (g >> f)) and Path.id(A) >> f == Path.of(f) == f >> Path.id(B)
True
>>> f >> f
Traceback (most recent call last):
...
TypeError: cannot compose f : A -> B with f : A -> B: B is not A
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ob:
    """An object of a schema: a product of atomic objects (one name: an atom).

    >>> Ob("O") * Ob("Z")
    O * Z
    >>> (Ob("O") * Ob("Z")).atoms
    ('O', 'Z')
    """

    atoms: tuple[str, ...]

    def __init__(self, *atoms: str):
        if not atoms or not all(isinstance(a, str) and a for a in atoms):
            raise ValueError(f"an object is a product of named atoms, got {atoms!r}")
        object.__setattr__(self, "atoms", tuple(atoms))

    def __mul__(self, other: "Ob") -> "Ob":
        return Ob(*self.atoms, *other.atoms)

    def __repr__(self) -> str:
        return " * ".join(self.atoms)

    __str__ = __repr__


@dataclass(frozen=True)
class Arrow:
    """A generating morphism ``name : dom -> cod`` of a schema."""

    name: str
    dom: Ob
    cod: Ob

    def __repr__(self) -> str:
        return f"{self.name} : {self.dom} -> {self.cod}"

    def __rshift__(self, other) -> "Path":
        return Path.of(self) >> other


@dataclass(frozen=True)
class Path:
    """A morphism of the free category: generators in diagrammatic order (first applied first).

    ``repr`` writes it applicatively, ``g.f`` for ``f`` then ``g``, as the thesis does.
    """

    dom: Ob
    cod: Ob
    arrows: tuple[Arrow, ...] = ()

    @staticmethod
    def id(ob: Ob) -> "Path":
        """The empty path on ``ob``."""
        return Path(ob, ob)

    @staticmethod
    def of(arrow: Arrow) -> "Path":
        return Path(arrow.dom, arrow.cod, (arrow,))

    def then(self, other: "Path | Arrow") -> "Path":
        """``self`` then ``other``; the codomain must be the other's domain."""
        other = Path.of(other) if isinstance(other, Arrow) else other
        if self.cod != other.dom:
            raise TypeError(f"cannot compose {self._last()} with {other._first()}: "
                            f"{self.cod} is not {other.dom}")
        return Path(self.dom, other.cod, self.arrows + other.arrows)

    __rshift__ = then

    def __len__(self) -> int:
        return len(self.arrows)

    def __getitem__(self, key: slice) -> "Path":
        """A sub-path (a slice of consecutive generators)."""
        arrows = self.arrows[key]
        if not arrows:
            return Path.id(self.dom)
        return Path(arrows[0].dom, arrows[-1].cod, arrows)

    def _last(self) -> str:
        return repr(self.arrows[-1]) if self.arrows else f"id_{self.cod}"

    def _first(self) -> str:
        return repr(self.arrows[0]) if self.arrows else f"id_{self.dom}"

    def __repr__(self) -> str:
        if not self.arrows:
            return f"id_{self.dom}"
        return ".".join(a.name for a in reversed(self.arrows))


@dataclass(frozen=True)
class Equation:
    """A path equation ``lhs = rhs``: two paths with the same domain and codomain."""

    lhs: Path
    rhs: Path

    def __post_init__(self):
        if (self.lhs.dom, self.lhs.cod) != (self.rhs.dom, self.rhs.cod):
            raise TypeError(f"the sides of {self.lhs!r} = {self.rhs!r} have different types: "
                            f"{self.lhs.dom} -> {self.lhs.cod} and "
                            f"{self.rhs.dom} -> {self.rhs.cod}")

    @property
    def sides(self) -> tuple[Path, Path]:
        return self.lhs, self.rhs

    @property
    def dom(self) -> Ob:
        """Where the equation is tested: its cycle loss reads data at this object."""
        return self.lhs.dom

    @property
    def cod(self) -> Ob:
        return self.lhs.cod

    def __repr__(self) -> str:
        return f"Equation({self.lhs!r} = {self.rhs!r})"


@dataclass(frozen=True)
class Schema:
    """A finitely presented category: objects, generators and path equations.

    ``objects`` are the nodes drawn (products included); every atom of a generator's
    domain and codomain must be an atom of some object.
    """

    objects: tuple[Ob, ...]
    generators: tuple[Arrow, ...]
    equations: tuple[Equation, ...] = ()

    def __post_init__(self):
        atoms = {a for ob in self.objects for a in ob.atoms}
        names = [g.name for g in self.generators]
        if len(set(names)) != len(names):
            raise ValueError(f"generator names must be distinct, got {names}")
        for g in self.generators:
            missing = [a for a in g.dom.atoms + g.cod.atoms if a not in atoms]
            if missing:
                raise ValueError(f"generator {g!r} uses objects {missing} not in the schema "
                                 f"(objects: {list(self.objects)})")
        for eq in self.equations:
            for arrow in eq.lhs.arrows + eq.rhs.arrows:
                if arrow not in self.generators:
                    raise ValueError(f"{eq!r} uses {arrow!r}, not a generator of the schema")

    @property
    def atoms(self) -> tuple[str, ...]:
        """The atomic objects, in order of first appearance."""
        return tuple(dict.fromkeys(a for ob in self.objects for a in ob.atoms))

    def generator(self, name: str) -> Arrow:
        """The generator called ``name``, or a clear error."""
        for g in self.generators:
            if g.name == name:
                return g
        raise KeyError(f"no generator {name!r}; the schema has {[g.name for g in self.generators]}")

    def __repr__(self) -> str:
        return (f"Schema(objects {list(self.objects)}, generators {list(self.generators)}, "
                f"equations {[f'{e.lhs!r} = {e.rhs!r}' for e in self.equations]})")

    def draw(self, ax=None):
        """The schema as a picture: objects as nodes, generators as arrows, equations below."""
        from catlearn.functorial.schema_pictures import draw_schema
        return draw_schema(self, ax)

    def _repr_svg_(self) -> str:
        from catlearn.functorial.schema_pictures import schema_svg
        return schema_svg(self)


def cycle_schema(a: str = "A", b: str = "B") -> Schema:
    """CycleGAN's schema: ``f : A -> B``, ``g : B -> A``, ``g.f = id_A``, ``f.g = id_B``.

    >>> cycle_schema().equations
    (Equation(g.f = id_A), Equation(f.g = id_B))
    """
    A, B = Ob(a), Ob(b)
    f, g = Arrow("f", A, B), Arrow("g", B, A)
    return Schema((A, B), (f, g), (Equation(f >> g, Path.id(A)), Equation(g >> f, Path.id(B))))


def insertion_schema(with_object: str = "W", without: str = "O", latent: str = "Z") -> Schema:
    """The thesis's product schema for removing and inserting an object in an image.

    ``delete : W -> O * Z`` splits an image with the object into the image without it and
    a latent code of the object; ``insert : O * Z -> W`` puts it back.  They are inverse:
    ``insert.delete = id_W`` and ``delete.insert = id_(O * Z)``.

    >>> s = insertion_schema()
    >>> s.generators
    (delete : W -> O * Z, insert : O * Z -> W)
    >>> s.equations
    (Equation(insert.delete = id_W), Equation(delete.insert = id_O * Z))
    """
    W, O, Z = Ob(with_object), Ob(without), Ob(latent)
    delete, insert = Arrow("delete", W, O * Z), Arrow("insert", O * Z, W)
    return Schema((W, O * Z), (delete, insert),
                  (Equation(delete >> insert, Path.id(W)), Equation(insert >> delete, Path.id(O * Z))))
