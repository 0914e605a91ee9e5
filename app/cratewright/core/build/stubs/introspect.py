"""Assemble PyO3's introspection fragments into the :class:`~.model.Module` tree.

Fragments point at each other by id: a module lists its members' ids, methods and constants
name their ``parent``. Class references in annotations are ids too; they become
``<module path>.<Class>`` here (``typing.Any`` for a class no module exports), which is what
lets the renderer import them relatively. Members are sorted by name, as
``pyo3-introspection`` does, so the stubs do not depend on the order the linker chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cratewright.core.build.stubs.model import (
    Argument,
    Arguments,
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
    VarArgument,
)
from cratewright.errors import BuildError

__all__ = ["module_from_chunks"]

Chunk = Mapping[str, Any]
_KINDS = ("module", "class", "function", "attribute")
_ANY = AttributeExpr(Name("typing"), "Any")


def _bad(chunk: object, why: str) -> BuildError:
    return BuildError(f"Failed to parse introspection chunk: {chunk!r} ({why})")


def _text(chunk: Chunk, key: str, *, required: bool = True) -> str | None:
    value = chunk.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _bad(chunk, f"{key!r} must be a string")
    return value


def _list(chunk: Chunk, key: str) -> list[Any]:
    value = chunk.get(key, [])
    if not isinstance(value, list):
        raise _bad(chunk, f"{key!r} must be a list")
    return value


class _Index:
    """The fragments by id and by parent id, and the type hint of every exported class."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self.chunks = list(chunks)
        self.by_id: dict[str, Chunk] = {}
        self.by_parent: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            if not isinstance(chunk, Mapping) or chunk.get("type") not in _KINDS:
                raise _bad(chunk, "unknown fragment type")
            kind = chunk["type"]
            chunk_id = _text(chunk, "id", required=kind in ("module", "class"))
            parent = None if kind == "module" else _text(chunk, "parent", required=False)
            if chunk_id is not None:
                self.by_id[chunk_id] = chunk
            if parent is not None:
                self.by_parent.setdefault(parent, []).append(chunk)
        self.type_hints: dict[str, Expr] = {}

    def children(self, chunk_id: str) -> list[Chunk]:
        return self.by_parent.get(chunk_id, [])

    def module_members(self, module: Chunk) -> tuple[list[Chunk], bool]:
        """A module's member fragments and whether one of its listed members is missing."""
        members = list(self.children(str(module["id"])))
        missing = False
        for member_id in _list(module, "members"):
            found = self.by_id.get(member_id) if isinstance(member_id, str) else None
            if found is None:
                missing = True
            else:
                members.append(found)
        return members, missing

    def collect_type_hints(self, root: Chunk) -> None:
        """``module.path.Class`` for every class of ``root`` and its submodules, by id."""
        self._module_hints(root, _text(root, "name") or "")

    def _module_hints(self, module: Chunk, full_name: str) -> None:
        members, _missing = self.module_members(module)
        for member in members:
            if member["type"] == "module":
                self._module_hints(member, f"{full_name}.{member['name']}")
            elif member["type"] == "class":
                class_name = str(member["name"])
                self.type_hints[str(member["id"])] = AttributeExpr(Name(full_name), class_name)
                self._class_hints(str(member["id"]), class_name, full_name)

    def _class_hints(self, class_id: str, class_name: str, module_name: str) -> None:
        for member in self.children(class_id):
            if member["type"] == "class":
                nested = f"{class_name}.{member['name']}"
                self._class_hints(str(member["id"]), nested, module_name)
                self.type_hints[str(member["id"])] = AttributeExpr(Name(module_name), nested)


def _expr(node: Any, index: _Index) -> Expr:
    if not isinstance(node, Mapping):
        raise _bad(node, "an expression must be an object")
    kind = node.get("type")
    if kind == "name":
        return Name(str(_text(node, "id")))
    if kind == "attribute":
        return AttributeExpr(_expr(node.get("value"), index), str(_text(node, "attr")))
    if kind == "binop":
        if node.get("op") != "bitor":
            raise _bad(node, "unknown operator")
        return BinOp(_expr(node.get("left"), index), _expr(node.get("right"), index))
    if kind == "subscript":
        return Subscript(_expr(node.get("value"), index), _expr(node.get("slice"), index))
    if kind == "tuple":
        return Tuple(tuple(_expr(e, index) for e in _list(node, "elts")))
    if kind == "list":
        return List(tuple(_expr(e, index) for e in _list(node, "elts")))
    if kind == "constant":
        return _constant(node)
    if kind == "id":
        # a class no exported module holds has no importable name
        return index.type_hints.get(str(_text(node, "id")), _ANY)
    raise _bad(node, "unknown expression type")


def _constant(node: Chunk) -> Constant:
    kind = node.get("kind")
    if kind in ("none", "ellipsis"):
        return Constant(kind)
    if kind == "bool":
        value = node.get("value")
        if not isinstance(value, bool):
            raise _bad(node, "a bool constant needs a boolean value")
        return Constant("bool", value)
    if kind in ("int", "float", "str"):
        return Constant(kind, _text(node, "value"))
    raise _bad(node, "unknown constant kind")


def _optional_expr(node: Any, index: _Index) -> Expr | None:
    return None if node is None else _expr(node, index)


def _argument(node: Any, index: _Index) -> Argument:
    if not isinstance(node, Mapping):
        raise _bad(node, "an argument must be an object")
    return Argument(
        name=str(_text(node, "name")),
        default=_optional_expr(node.get("default"), index),
        annotation=_optional_expr(node.get("annotation"), index),
    )


def _var_argument(node: Any, index: _Index) -> VarArgument | None:
    if node is None:
        return None
    argument = _argument(node, index)
    return VarArgument(argument.name, argument.annotation)


def _function(chunk: Chunk, index: _Index) -> Function:
    arguments = chunk.get("arguments")
    if not isinstance(arguments, Mapping):
        raise _bad(chunk, "a function needs its arguments")
    return Function(
        name=str(_text(chunk, "name")),
        arguments=Arguments(
            positional_only=tuple(_argument(a, index) for a in _list(arguments, "posonlyargs")),
            regular=tuple(_argument(a, index) for a in _list(arguments, "args")),
            vararg=_var_argument(arguments.get("vararg"), index),
            keyword_only=tuple(_argument(a, index) for a in _list(arguments, "kwonlyargs")),
            kwarg=_var_argument(arguments.get("kwarg"), index),
        ),
        decorators=tuple(_expr(d, index) for d in _list(chunk, "decorators")),
        returns=_optional_expr(chunk.get("returns"), index),
        is_async=bool(chunk.get("async", False)),
        docstring=_text(chunk, "doc", required=False),
    )


def _attribute(chunk: Chunk, index: _Index) -> Attribute:
    return Attribute(
        name=str(_text(chunk, "name")),
        value=_optional_expr(chunk.get("value"), index),
        annotation=_optional_expr(chunk.get("annotation"), index),
        docstring=_text(chunk, "doc", required=False),
    )


def _decorator_key(expr: Expr) -> tuple[int, str]:
    """Plain names first, so ``@property`` comes before ``@x.setter`` of the same name."""
    if isinstance(expr, Name):
        return 0, expr.id
    if isinstance(expr, AttributeExpr):
        depth, text = _decorator_key(expr.value)
        return depth + 1, f"{text}.{expr.attr}"
    return 0, ""


def _function_key(function: Function) -> tuple[str, list[tuple[int, str]]]:
    return function.name, [_decorator_key(d) for d in function.decorators]


_Members = tuple[tuple[Module, ...], tuple[Class, ...], tuple[Function, ...], tuple[Attribute, ...]]


def _members(chunks: Iterable[Chunk], index: _Index) -> _Members:
    modules: list[Module] = []
    classes: list[Class] = []
    functions: list[Function] = []
    attributes: list[Attribute] = []
    for chunk in chunks:
        kind = chunk["type"]
        if kind == "module":
            modules.append(_module(chunk, index))
        elif kind == "class":
            classes.append(_class(chunk, index))
        elif kind == "function":
            functions.append(_function(chunk, index))
        else:
            attributes.append(_attribute(chunk, index))
    # Python compares str by code point, which is the byte order of UTF-8 that PyO3 sorts by
    modules.sort(key=lambda m: m.name)
    classes.sort(key=lambda c: c.name)
    functions.sort(key=_function_key)
    attributes.sort(key=lambda a: a.name)
    return tuple(modules), tuple(classes), tuple(functions), tuple(attributes)


def _class(chunk: Chunk, index: _Index) -> Class:
    modules, classes, methods, attributes = _members(index.children(str(chunk["id"])), index)
    if modules:
        raise BuildError("Classes cannot contain nested modules")
    return Class(
        name=str(_text(chunk, "name")),
        bases=tuple(_expr(b, index) for b in _list(chunk, "bases")),
        methods=methods,
        attributes=attributes,
        decorators=tuple(_expr(d, index) for d in _list(chunk, "decorators")),
        inner_classes=classes,
        docstring=_text(chunk, "doc", required=False),
    )


def _module(chunk: Chunk, index: _Index) -> Module:
    members, missing = index.module_members(chunk)
    modules, classes, functions, attributes = _members(members, index)
    return Module(
        name=str(_text(chunk, "name")),
        modules=modules,
        classes=classes,
        functions=functions,
        attributes=attributes,
        incomplete=bool(chunk.get("incomplete", False)) or missing,
        docstring=_text(chunk, "doc", required=False),
    )


def module_from_chunks(chunks: Iterable[Chunk], module_name: str) -> Module:
    """The module named ``module_name`` (the extension's ``#[pymodule]``) with its members.

    Raises:
        BuildError: no such module among the fragments, or a fragment is malformed.
    """
    index = _Index(chunks)
    for chunk in index.chunks:
        if chunk["type"] == "module" and chunk.get("name") == module_name:
            index.collect_type_hints(chunk)
            return _module(chunk, index)
    raise BuildError(f"No module named {module_name} found")
