"""The import lines of one stub file and the name each referenced object is written as.

Annotations name objects by module (``builtins.int``, ``typing.Final``, ``pkg._native.Point``).
A stub writes builtins bare, its own module's names bare, and imports everything else with
``from X import Y``, relative when it lives in the same extension; a name that clashes with
one already taken gets a number (``Point2``) and ``import Point as Point2``. This follows
``pyo3-introspection`` rule for rule so the text is the same as maturin's.
"""

from __future__ import annotations

from collections.abc import Iterator

from cratewright.core.build.stubs.model import (
    Attribute,
    AttributeExpr,
    BinOp,
    Class,
    Constant,
    Expr,
    Function,
    List,
    Module,
    Name,
    Subscript,
    Tuple,
)
from cratewright.errors import BuildError

__all__ = ["Imports", "referenced_names"]

_STRING_ESCAPES = {'"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", "\0": "\\0"}


def _expr_names(expr: Expr) -> Iterator[tuple[str, str]]:
    """(module, name) of every object ``expr`` mentions; bare names are builtins."""
    if isinstance(expr, Name):
        yield "builtins", expr.id
    elif isinstance(expr, AttributeExpr):
        if isinstance(expr.value, Name):
            yield expr.value.id, expr.attr
        else:
            yield from _expr_names(expr.value)
    elif isinstance(expr, BinOp):
        yield from _expr_names(expr.left)
        yield from _expr_names(expr.right)
    elif isinstance(expr, Subscript):
        yield from _expr_names(expr.value)
        yield from _expr_names(expr.slice)
    elif isinstance(expr, (Tuple, List)):
        for element in expr.elts:
            yield from _expr_names(element)


def _function_exprs(function: Function) -> Iterator[Expr]:
    yield from function.decorators
    args = function.arguments
    for argument in (*args.positional_only, *args.regular, *args.keyword_only):
        if argument.annotation is not None:
            yield argument.annotation
        if argument.default is not None:
            yield argument.default
    for variable in (args.vararg, args.kwarg):
        if variable is not None and variable.annotation is not None:
            yield variable.annotation
    if function.returns is not None:
        yield function.returns


def _attribute_exprs(attribute: Attribute) -> Iterator[Expr]:
    if attribute.annotation is not None:
        yield attribute.annotation
    if attribute.value is not None:
        yield attribute.value


def _class_exprs(cls: Class) -> Iterator[Expr]:
    yield from cls.bases
    yield from cls.decorators
    for method in cls.methods:
        yield from _function_exprs(method)
    for attribute in cls.attributes:
        yield from _attribute_exprs(attribute)
    for inner in cls.inner_classes:
        yield from _class_exprs(inner)


def referenced_names(module: Module) -> dict[str, list[str]]:
    """Module -> sorted names referenced by the stub of ``module`` (not its submodules)."""
    found: dict[str, set[str]] = {}
    exprs: list[Expr] = []
    for attribute in module.attributes:
        exprs += _attribute_exprs(attribute)
    for cls in module.classes:
        exprs += _class_exprs(cls)
    for function in module.functions:
        exprs += _function_exprs(function)
    for expr in exprs:
        for owner, name in _expr_names(expr):
            found.setdefault(owner, set()).add(name)
    if module.incomplete:  # the generated ``def __getattr__(name: str) -> Incomplete``
        found.setdefault("builtins", set()).add("str")
        found.setdefault("_typeshed", set()).add("Incomplete")
    return {owner: sorted(names) for owner, names in sorted(found.items())}


def _next_free(name: str) -> str:
    """``Point`` -> ``Point2``, ``Point2`` -> ``Point3``: the candidate after a clash."""
    digits = len(name) - len(name.rstrip("0123456789"))
    prefix, number = name[: len(name) - digits], name[len(name) - digits :]
    return f"{prefix}{(int(number) if number else 1) + 1}"


def relative_module_path(target: str, current: str, current_is_package: bool) -> str:
    """``target`` as seen from ``current`` (PEP 328): relative inside the same top package."""
    if target == current:
        raise BuildError(f"Internal error: {target} cannot import elements declared locally")
    target_parts, current_parts = target.split("."), current.split(".")
    if target_parts[0] != current_parts[0]:
        return target
    common = 0
    for mine, theirs in zip(target_parts, current_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    dots = "." * (len(current_parts) - common) + ("." if current_is_package else "")
    return dots + ".".join(target_parts[common:])


class Imports:
    """The sorted import lines of a stub and the local spelling of each referenced object."""

    def __init__(self, lines: list[str], renaming: dict[tuple[str, str], str]) -> None:
        self.lines = lines
        self.renaming = renaming

    @classmethod
    def for_module(cls, module: Module, parents: tuple[str, ...]) -> Imports:
        is_package = bool(module.modules)
        current = ".".join((*parents, module.name))
        taken: dict[str, tuple[str, str]] = {}
        # the module's own names are never imported nor renamed
        for cls_ in module.classes:
            taken[cls_.name] = (current, cls_.name)
        for function in module.functions:
            taken[function.name] = (current, function.name)
        for attribute in module.attributes:
            taken[attribute.name] = (current, attribute.name)
        for submodule in module.modules:
            taken[submodule.name] = (current, submodule.name)
        lines: list[str] = []
        renaming: dict[tuple[str, str], str] = {}
        for owner, names in referenced_names(module).items():
            imported: list[str] = []
            for name in names:
                # of a nested class "A.B" only "A" is imported (and can clash)
                root, dot, rest = name.partition(".")
                local = root
                already = False
                while local in taken:
                    if taken[local] == (owner, root):
                        already = True
                        break
                    local = _next_free(local)
                renaming[(owner, name)] = f"{local}.{rest}" if dot else local
                if already:
                    continue
                taken[local] = (owner, root)
                if owner == "builtins" and local == root:
                    continue  # builtins need no import unless renamed
                imported.append(local if local == root else f"{root} as {local}")
            if imported:
                source = relative_module_path(owner, current, is_package)
                lines.append(f"from {source} import {', '.join(imported)}")
        if is_package:
            # submodules are attributes of their parent: the redundant alias re-exports them
            exported = sorted(f"{m.name} as {m.name}" for m in module.modules)
            lines.append(f"from . import {', '.join(exported)}")
        lines.sort()
        return cls(lines, renaming)

    def _local(self, owner: str, name: str) -> str:
        try:
            return self.renaming[(owner, name)]
        except KeyError:
            raise BuildError(f"Internal error: {owner}.{name} was not collected") from None

    def expr(self, expr: Expr) -> str:
        """The Python source of ``expr`` with this stub's local names."""
        if isinstance(expr, Constant):
            return _constant(expr)
        if isinstance(expr, Name):
            return self._local("builtins", expr.id)
        if isinstance(expr, AttributeExpr):
            if isinstance(expr.value, Name):
                return self._local(expr.value.id, expr.attr)
            return f"{self.expr(expr.value)}.{expr.attr}"
        if isinstance(expr, BinOp):
            return " | ".join(self.expr(operand) for operand in _union_operands(expr))
        if isinstance(expr, Tuple):
            inner = self._elements(expr.elts)
            return f"({inner},)" if len(expr.elts) == 1 else f"({inner})"
        if isinstance(expr, List):
            return f"[{self._elements(expr.elts)}]"
        if isinstance(expr.slice, Tuple):
            # ``tuple[()]``: an empty tuple keeps its parentheses to stay valid syntax
            inner = self._elements(expr.slice.elts) if expr.slice.elts else "()"
        else:
            inner = self.expr(expr.slice)
        return f"{self.expr(expr.value)}[{inner}]"

    def _elements(self, elts: tuple[Expr, ...]) -> str:
        return ", ".join(self.expr(e) for e in elts)


def _union_operands(expr: Expr) -> list[Expr]:
    """The operands of an ``a | b | c`` chain in source order, each once."""
    operands: list[Expr] = []

    def walk(node: Expr) -> None:
        if isinstance(node, BinOp):
            walk(node.left)
            walk(node.right)
        elif node not in operands:
            operands.append(node)

    walk(expr)
    return operands


def _constant(constant: Constant) -> str:
    kind, value = constant.kind, constant.value
    if kind == "none":
        return "None"
    if kind == "ellipsis":
        return "..."
    if kind == "bool":
        return "True" if value else "False"
    text = str(value)
    if kind == "int":
        return text
    if kind == "float":
        return text if any(c in text for c in ".eE") else f"{text}."
    escaped = "".join(
        _STRING_ESCAPES.get(c) or (f"\\x{ord(c):02x}" if c < " " else c) for c in text
    )
    return f'"{escaped}"'
