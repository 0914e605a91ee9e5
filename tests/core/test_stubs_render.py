"""Stub text from introspection fragments, rule by rule (the oracle test covers real crates).

Each case is the JSON PyO3 0.30 emits, assembled and rendered; the expected text follows the
rules of pyo3-introspection 0.30.1, the stub writer inside maturin 1.16.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cratewright.core.build.stubs import module_stub_files
from cratewright.core.build.stubs.imports import relative_module_path
from cratewright.core.build.stubs.introspect import module_from_chunks
from cratewright.core.build.stubs.render import _lines
from cratewright.errors import BuildError


def name(id_: str) -> dict[str, Any]:
    return {"type": "name", "id": id_}


def attr(module: str, attribute: str) -> dict[str, Any]:
    return {"type": "attribute", "value": name(module), "attr": attribute}


def const(kind: str, value: Any = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "constant", "kind": kind}
    if value is not None:
        node["value"] = value
    return node


def ref(id_: str) -> dict[str, Any]:
    return {"type": "id", "id": id_}


INT, STR = attr("builtins", "int"), attr("builtins", "str")


def module(id_: str, mod_name: str, members: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "module", "id": id_, "name": mod_name, "members": members, **extra}


def function(fn_name: str, parent: str | None = None, **extra: Any) -> dict[str, Any]:
    chunk: dict[str, Any] = {"type": "function", "name": fn_name, "arguments": {}}
    chunk.update({"id": f"f-{fn_name}"} if parent is None else {"parent": parent})
    chunk.update(extra)
    return chunk


def render(chunks: list[dict[str, Any]], root: str = "m") -> dict[str, str]:
    files = module_stub_files(module_from_chunks(chunks, root))
    return {str(path): text for path, text in files.items()}


def test_function_signature_with_every_kind_of_argument() -> None:
    fn = function(
        "f",
        doc="Do it.",
        returns=attr("builtins", "bool"),
        arguments={
            "posonlyargs": [{"name": "a", "annotation": INT}],
            "args": [{"name": "b", "default": const("int", "1")}],
            "vararg": {"name": "rest", "annotation": STR},
            "kwonlyargs": [{"name": "c", "annotation": STR, "default": const("str", 'q"\n\t\\')}],
            "kwarg": {"name": "kw"},
        },
    )
    stub = render([module("1", "m", ["f-f"]), fn])["__init__.pyi"]
    assert stub == (
        '__all__ = ["f"]\n'
        "\n"
        'def f(a: int, /, b=1, *rest: str, c: str = "q\\"\\n\\t\\\\", **kw) -> bool:\n'
        '    """\n'
        "    Do it.\n"
        '    """\n'
    )


def test_keyword_only_marker_and_constants() -> None:
    fn = function(
        "g",
        arguments={
            "kwonlyargs": [
                {"name": "x", "default": const("float", "1")},
                {"name": "y", "default": const("float", "1e5")},
                {"name": "z", "default": const("bool", False)},
                {"name": "n", "default": const("none")},
                {"name": "e", "default": const("ellipsis")},
                {"name": "s", "default": const("str", "\x01")},
            ]
        },
    )
    stub = render([module("1", "m", ["f-g"]), fn])["__init__.pyi"]
    assert 'def g(*, x=1., y=1e5, z=False, n=None, e=..., s="\\x01"): ...\n' in stub


def test_expressions_union_dedup_tuples_and_subscripts() -> None:
    union = {
        "type": "binop",
        "op": "bitor",
        "left": {"type": "binop", "op": "bitor", "left": INT, "right": const("none")},
        "right": INT,
    }
    one = {"type": "tuple", "elts": [INT]}
    empty_slice = {
        "type": "subscript",
        "value": name("tuple"),
        "slice": {"type": "tuple", "elts": []},
    }
    pair = {
        "type": "subscript",
        "value": name("dict"),
        "slice": {"type": "tuple", "elts": [STR, INT]},
    }
    fn = function(
        "h",
        arguments={"args": [{"name": "u", "annotation": union}, {"name": "t", "default": one}]},
        returns={"type": "list", "elts": [empty_slice, pair]},
    )
    stub = render([module("1", "m", ["f-h"]), fn])["__init__.pyi"]
    assert "def h(u: int | None, t=(int,)) -> [tuple[()], dict[str, int]]: ...\n" in stub


def test_module_layout_docstring_imports_all_and_blank_lines() -> None:
    chunks = [
        module("1", "m", ["c", "f-run"], doc="Top.\n\nMore."),
        {"type": "attribute", "name": "B", "parent": "1", "annotation": attr("typing", "Final"),
         "value": const("int", "2")},
        {"type": "attribute", "name": "A", "parent": "1", "annotation": attr("typing", "Final"),
         "value": const("str", "x"), "doc": "About A."},
        {"type": "class", "id": "c", "name": "Thing", "decorators": [attr("typing", "final")]},
        function("run", returns=ref("c")),
    ]  # fmt: skip
    assert render(chunks) == {
        "__init__.pyi": '"""\nTop.\n\nMore.\n"""\n'
        "\n"
        "from typing import Final, final\n"
        "\n"
        '__all__ = ["A", "B", "Thing", "run"]\n'
        "\n"
        'A: Final = "x"\n'
        '"""\n'
        "About A.\n"
        '"""\n'
        "\n"
        "B: Final = 2\n"
        "\n"
        "@final\n"
        "class Thing: ...\n"
        "\n"
        "def run() -> Thing: ...\n"
    }


def test_class_members_properties_sorted_and_decorators_shortened() -> None:
    self_arg = {"posonlyargs": [{"name": "self"}]}
    setter = {"type": "attribute", "value": {"type": "attribute", "value": ref("c"), "attr": "x"},
              "attr": "setter"}  # fmt: skip
    chunks = [
        module("1", "m", ["c", "b"]),
        {"type": "class", "id": "c", "name": "P", "doc": "A point.", "bases": [ref("b")]},
        {"type": "class", "id": "b", "name": "Base"},
        function("x", "c", arguments=self_arg, decorators=[setter], doc="X.\n"),
        function("x", "c", arguments=self_arg, decorators=[name("property")], returns=INT),
        function("__new__", "c", arguments={"posonlyargs": [{"name": "cls"}]}, returns=ref("c")),
        {"type": "attribute", "name": "K", "parent": "c", "annotation": INT},
        {"type": "class", "id": "inner", "name": "Inner", "parent": "c"},
    ]
    stub = render(chunks)["__init__.pyi"]
    assert stub.endswith(
        "class P(Base):\n"
        '    """\n'
        "    A point.\n"
        '    """\n'
        "    K: int\n"
        "    def __new__(cls, /) -> P: ...\n"
        "    @property\n"
        "    def x(self, /) -> int: ...\n"
        "    @x.setter\n"
        "    def x(self, /):\n"
        '        """\n'
        "        X.\n"
        '        """\n'
        "    class Inner: ...\n"
    )


def test_submodules_files_relative_imports_and_name_clashes() -> None:
    chunks = [
        module("1", "m", ["s"]),
        {"type": "class", "id": "p", "name": "Point", "parent": None},
        module("s", "sub", ["deep", "p2"]),
        {"type": "class", "id": "p2", "name": "Point"},
        module("deep", "deep", ["f-use"]),
        function("use", arguments={"args": [{"name": "a", "annotation": ref("p2")}]},
                 returns=ref("gone")),
    ]  # fmt: skip
    chunks[0]["members"].append("p")
    files = render(chunks)
    assert sorted(files) == ["__init__.pyi", "sub/__init__.pyi", "sub/deep.pyi"]
    assert files["__init__.pyi"] == (
        'from . import sub as sub\n\n__all__ = ["Point", "sub"]\n\nclass Point: ...\n'
    )
    assert files["sub/__init__.pyi"].startswith("from . import deep as deep\n\n")
    # a class no module exports is typing.Any; m.sub.Point from m.sub.deep is ``from . import``
    assert files["sub/deep.pyi"] == (
        "from . import Point\n"
        "from typing import Any\n"
        "\n"
        '__all__ = ["use"]\n'
        "\n"
        "def use(a: Point) -> Any: ...\n"
    )


def test_imported_name_clashing_with_a_local_one_is_numbered() -> None:
    chunks = [
        module("1", "m", ["c", "s"]),
        {"type": "class", "id": "c", "name": "Point"},
        module("s", "sub", ["c2", "f-f"]),
        {"type": "class", "id": "c2", "name": "Point"},
        function(
            "f", arguments={"args": [{"name": "p", "annotation": ref("c")}]}, returns=ref("c2")
        ),
    ]
    sub = render(chunks)["sub.pyi"]
    assert sub.startswith("from . import Point as Point2\n")
    assert "def f(p: Point2) -> Point: ...\n" in sub


def test_incomplete_module_gets_getattr_and_no_all() -> None:
    chunks = [module("1", "m", ["missing"], doc=None), function("f", "1")]
    assert render(chunks)["__init__.pyi"] == (
        "from _typeshed import Incomplete\n"
        "def f(): ...\n"
        "def __getattr__(name: str) -> Incomplete: ...\n"
    )


def test_empty_module_and_docstring_escapes() -> None:
    assert render([module("1", "m", [])]) == {"__init__.pyi": ""}
    chunks = [module("1", "m", [], doc='a """ b \\ c\td\r\n\ne""""')]
    assert render(chunks)["__init__.pyi"] == '"""\na ""\\" b \\\\ c\\td\n\ne""\\""\n"""\n'


def test_unknown_module_and_malformed_fragments() -> None:
    with pytest.raises(BuildError, match="No module named other found"):
        module_from_chunks([module("1", "m", [])], "other")
    with pytest.raises(BuildError, match="Failed to parse introspection chunk"):
        module_from_chunks([{"type": "gadget"}], "m")
    with pytest.raises(BuildError, match="Failed to parse introspection chunk"):
        module_from_chunks([module("1", "m", ["f-f"]), function("f", returns={"type": "x"})], "m")


@pytest.mark.parametrize(
    ("target", "current", "package", "expected"),
    [
        ("m", "m.sub", False, "."),
        ("m.sub", "m", True, ".sub"),
        ("m", "m.a.b", False, ".."),
        ("m.a.x", "m.a.b", True, "..x"),
        ("typing", "m", True, "typing"),
    ],
)
def test_relative_module_path(target: str, current: str, package: bool, expected: str) -> None:
    assert relative_module_path(target, current, package) == expected


@given(st.text(alphabet="ab\r\n", max_size=12))
def test_lines_match_rust_str_lines(text: str) -> None:
    # Rust: split_inclusive('\n'), then strip one "\n" and then one "\r" from each piece
    expected = []
    rest = text
    while rest:
        head, sep, rest = rest.partition("\n")
        expected.append(head.removesuffix("\r") if sep else head)
    assert _lines(text) == expected
