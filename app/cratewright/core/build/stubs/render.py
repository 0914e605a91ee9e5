"""Write a :class:`~.model.Module` tree as ``.pyi`` text, file by file.

The layout and spelling are ``pyo3-introspection``'s (the code maturin 1.16 uses), so a
wheel built here carries byte-for-byte the stubs maturin would put in it: docstring, imports,
``__all__``, then constants, classes and functions; blank lines only around multi-line
elements; submodules without submodules of their own as ``<name>.pyi``, the others as
``<name>/__init__.pyi``.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from cratewright.core.build.stubs.imports import Imports
from cratewright.core.build.stubs.model import (
    Argument,
    Arguments,
    Attribute,
    AttributeExpr,
    Class,
    Constant,
    Function,
    List,
    Module,
    Name,
    VarArgument,
)

__all__ = ["module_stub", "module_stub_files"]

_INDENT = "    "


def _escape_docstring_line(line: str) -> str:
    """Escape a docstring line: every third quote in a row, control characters, backslashes."""
    out: list[str] = []
    quotes = 0
    for c in line:
        quotes = quotes + 1 if c == '"' else 0
        if quotes == 3:
            out.append("\\")
            quotes = 0
        if c == "\\":
            out.append("\\\\")
        elif c < " " or c == "\x7f":
            out.append({"\t": "\\t", "\r": "\\r", "\n": "\\n"}.get(c, f"\\x{ord(c):02x}"))
        else:
            out.append(c)
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Rust's ``str::lines``: split at ``\\n`` (dropping a ``\\r`` before it), no final empty."""
    if not text:
        return []
    pieces = text.split("\n")
    if text.endswith("\n"):
        pieces.pop()
        return [p.removesuffix("\r") for p in pieces]
    return [p.removesuffix("\r") for p in pieces[:-1]] + [pieces[-1]]


def _docstring(buffer: str, indent: str, docstring: str) -> str:
    """``buffer`` followed by a triple-quoted docstring at ``indent`` on lines of its own."""
    parts = [buffer]
    if buffer:
        parts.append("\n")
    parts.append(f'{indent}"""')
    for line in _lines(docstring):
        parts.append("\n")
        if line:
            parts.append(indent + _escape_docstring_line(line))
    parts.append(f'\n{indent}"""')
    return "".join(parts)


def _indented(text: str) -> str:
    """Every line but the first indented once; blank lines stay blank (no trailing spaces)."""
    first, *rest = text.split("\n")
    return "\n".join([first, *(_INDENT + line if line else line for line in rest)])


def _argument(argument: Argument, imports: Imports) -> str:
    text = argument.name
    if argument.annotation is not None:
        text += f": {imports.expr(argument.annotation)}"
    if argument.default is not None:
        text += " = " if argument.annotation is not None else "="
        text += imports.expr(argument.default)
    return text


def _variable(argument: VarArgument, imports: Imports) -> str:
    if argument.annotation is None:
        return argument.name
    return f"{argument.name}: {imports.expr(argument.annotation)}"


def _parameters(arguments: Arguments, imports: Imports) -> list[str]:
    parameters = [_argument(a, imports) for a in arguments.positional_only]
    if arguments.positional_only:
        parameters.append("/")
    parameters += [_argument(a, imports) for a in arguments.regular]
    if arguments.vararg is not None:
        parameters.append(f"*{_variable(arguments.vararg, imports)}")
    elif arguments.keyword_only:
        parameters.append("*")
    parameters += [_argument(a, imports) for a in arguments.keyword_only]
    if arguments.kwarg is not None:
        parameters.append(f"**{_variable(arguments.kwarg, imports)}")
    return parameters


def _function(function: Function, imports: Imports, class_name: str | None = None) -> str:
    text = ""
    for decorator in function.decorators:
        written = imports.expr(decorator)
        if class_name is not None:
            # ``@Point.x.setter`` reads better as ``@x.setter`` inside ``class Point``
            written = written.removeprefix(f"{class_name}.")
        text += f"@{written}\n"
    if function.is_async:
        text += "async "
    text += f"def {function.name}({', '.join(_parameters(function.arguments, imports))})"
    if function.returns is not None:
        text += f" -> {imports.expr(function.returns)}"
    if function.docstring is None:
        return text + ": ..."
    return _docstring(text + ":", _INDENT, function.docstring)


def _attribute(attribute: Attribute, imports: Imports) -> str:
    text = attribute.name
    if attribute.annotation is not None:
        text += f": {imports.expr(attribute.annotation)}"
    if attribute.value is not None:
        text += f" = {imports.expr(attribute.value)}"
    if attribute.docstring is not None:
        text = _docstring(text, "", attribute.docstring)
    return text


def _class(cls: Class, imports: Imports) -> str:
    text = "".join(f"@{imports.expr(d)}\n" for d in cls.decorators)
    text += f"class {cls.name}"
    if cls.bases:
        text += f"({', '.join(imports.expr(b) for b in cls.bases)})"
    text += ":"
    empty = not (cls.methods or cls.attributes or cls.inner_classes)
    if cls.docstring is None and empty:
        text += " ..."
    if cls.docstring is not None:
        text = _docstring(text, _INDENT, cls.docstring)
    members = [_attribute(a, imports) for a in cls.attributes]
    members += [_function(m, imports, cls.name) for m in cls.methods]
    members += [_class(c, imports) for c in cls.inner_classes]
    for member in members:
        text += f"\n{_INDENT}{_indented(member)}"
    return text


def _incomplete_getattr() -> Function:
    """``def __getattr__(name: str) -> Incomplete``: how a stub says it is not complete."""
    return Function(
        name="__getattr__",
        arguments=Arguments(regular=(Argument("name", annotation=Name("str")),)),
        returns=AttributeExpr(Name("_typeshed"), "Incomplete"),
    )


def _dunder_all(module: Module, imports: Imports) -> str | None:
    """``__all__`` as PyO3 fills it at runtime; none for incomplete or empty modules."""
    if module.incomplete or any(a.name == "__all__" for a in module.attributes):
        return None
    names = [a.name for a in module.attributes] + [c.name for c in module.classes]
    names += [f.name for f in module.functions] + [m.name for m in module.modules]
    if not names:
        return None
    return "__all__ = " + imports.expr(List(tuple(Constant("str", n) for n in names)))


def module_stub(module: Module, parents: tuple[str, ...] = ()) -> str:
    """The ``.pyi`` text of ``module`` alone (its submodules are only re-exported)."""
    imports = Imports.for_module(module, parents)
    elements = [_attribute(a, imports) for a in module.attributes]
    elements += [_class(c, imports) for c in module.classes]
    elements += [_function(f, imports) for f in module.functions]
    if module.incomplete and not any(f.name == "__getattr__" for f in module.functions):
        elements.append(_function(_incomplete_getattr(), imports))
    ordered: list[str] = []
    if module.docstring is not None:
        ordered.append(_docstring("", "", module.docstring))
    ordered += imports.lines
    dunder_all = _dunder_all(module, imports)
    if dunder_all is not None:
        ordered.append(dunder_all)
    ordered += elements
    output = ""
    for element in ordered:
        # an empty line above and below multi-line elements and ``__all__``, never two
        spaced = "\n" in element or element.startswith("__all__")
        if spaced and output and not output.endswith("\n\n"):
            output += "\n"
        output += element + "\n"
        if spaced:
            output += "\n"
    return output[:-1] if output.endswith("\n\n") else output


def module_stub_files(module: Module) -> dict[PurePosixPath, str]:
    """Every stub file of ``module`` by path relative to its package directory.

    The root is ``__init__.pyi``; a leaf submodule ``name.pyi``, a submodule with
    submodules of its own ``name/__init__.pyi`` (and so on down).
    """
    files: dict[PurePosixPath, str] = {}

    def add(current: Module, directory: PurePosixPath, parents: tuple[str, ...]) -> None:
        files[directory / "__init__.pyi"] = module_stub(current, parents)
        inner = (*parents, current.name)
        for submodule in current.modules:
            if submodule.modules:
                add(submodule, directory / submodule.name, inner)
            else:
                files[directory / f"{submodule.name}.pyi"] = module_stub(submodule, inner)

    add(module, PurePosixPath(), ())
    return files
