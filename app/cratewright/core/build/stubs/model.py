"""What a PyO3 module looks like to Python: the tree the stub renderer walks.

It mirrors the model PyO3's introspection data describes (and ``pyo3-introspection`` builds):
modules hold submodules, classes, functions and attributes; annotations, defaults and
decorators are small Python expression trees. Everything is frozen and hashable, because the
renderer compares expressions structurally (``int | int`` is written once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Argument",
    "Arguments",
    "Attribute",
    "AttributeExpr",
    "BinOp",
    "Class",
    "Constant",
    "Expr",
    "Function",
    "List",
    "Module",
    "Name",
    "Subscript",
    "Tuple",
    "VarArgument",
]

ConstantKind = Literal["none", "bool", "int", "float", "str", "ellipsis"]


@dataclass(frozen=True)
class Constant:
    """``None``, ``True``, ``1``, ``1.5``, ``"text"`` (unescaped) or ``...``.

    Numbers stay the decimal text PyO3 wrote, so they are reproduced exactly.
    """

    kind: ConstantKind
    value: str | bool | None = None


@dataclass(frozen=True)
class Name:
    """A bare name; in annotations always a builtin (``int``, ``property``)."""

    id: str


@dataclass(frozen=True)
class AttributeExpr:
    """``value.attr``; with a :class:`Name` value it names ``attr`` of module ``value``."""

    value: Expr
    attr: str


@dataclass(frozen=True)
class BinOp:
    """``left | right``, the only operator PyO3 emits."""

    left: Expr
    right: Expr


@dataclass(frozen=True)
class Tuple:
    elts: tuple[Expr, ...]


@dataclass(frozen=True)
class List:
    elts: tuple[Expr, ...]


@dataclass(frozen=True)
class Subscript:
    """``value[slice]``; a tuple slice is written without its parentheses."""

    value: Expr
    slice: Expr


Expr = Constant | Name | AttributeExpr | BinOp | Tuple | List | Subscript


@dataclass(frozen=True)
class Argument:
    name: str
    default: Expr | None = None
    annotation: Expr | None = None


@dataclass(frozen=True)
class VarArgument:
    """``*args`` or ``**kwargs``: a name and maybe an annotation, never a default."""

    name: str
    annotation: Expr | None = None


@dataclass(frozen=True)
class Arguments:
    positional_only: tuple[Argument, ...] = ()
    regular: tuple[Argument, ...] = ()
    vararg: VarArgument | None = None
    keyword_only: tuple[Argument, ...] = ()
    kwarg: VarArgument | None = None


@dataclass(frozen=True)
class Function:
    name: str
    arguments: Arguments
    decorators: tuple[Expr, ...] = ()
    returns: Expr | None = None
    is_async: bool = False
    docstring: str | None = None


@dataclass(frozen=True)
class Attribute:
    """A module constant or class attribute (``X: Final = 1``)."""

    name: str
    value: Expr | None = None
    annotation: Expr | None = None
    docstring: str | None = None


@dataclass(frozen=True)
class Class:
    name: str
    bases: tuple[Expr, ...] = ()
    methods: tuple[Function, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    decorators: tuple[Expr, ...] = ()
    inner_classes: tuple[Class, ...] = ()
    docstring: str | None = None


@dataclass(frozen=True)
class Module:
    """A module; ``incomplete`` when PyO3 could not see all of its members."""

    name: str
    modules: tuple[Module, ...] = ()
    classes: tuple[Class, ...] = ()
    functions: tuple[Function, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    incomplete: bool = False
    docstring: str | None = None
