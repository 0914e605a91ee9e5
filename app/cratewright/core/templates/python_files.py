"""The Python half of a new project: pyproject.toml, the package and test of a mixed layout,
the README and .gitignore.

pyproject.toml names maturin as the build backend by default: the project then builds with
``pip install .`` anywhere, with or without cratewright, and cratewright reads it unchanged.
"""

from __future__ import annotations

import re

from cratewright.core.templates.options import NewProjectOptions
from cratewright.core.templates.rust_files import native_module
from cratewright.core.templates.toml_text import toml_string

__all__ = [
    "gitignore",
    "package_init",
    "package_test",
    "pyproject_toml",
    "python_source_dir",
    "readme",
    "usage_example",
]

_BUILD_SYSTEMS = {
    "maturin": ('["maturin>=1.9,<2"]', "maturin"),
    "cratewright": ('["cratewright"]', "cratewright.backend"),
}
_AUTHOR = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*$")


def python_source_dir(options: NewProjectOptions) -> str | None:
    """The folder holding the Python package: ``python`` (mixed), ``src`` (mixed-src)."""
    return {"pure": None, "mixed": "python", "mixed-src": "src"}[options.layout]


def _authors(author: str) -> str | None:
    match = _AUTHOR.match(author)
    if not author.strip() or match is None:
        return None
    fields = []
    if match["name"]:
        fields.append(f"name = {toml_string(match['name'])}")
    if match["email"]:
        fields.append(f"email = {toml_string(match['email'].strip())}")
    return "authors = [{ " + ", ".join(fields) + " }]" if fields else None


def _tool_maturin(options: NewProjectOptions) -> list[str]:
    lines: list[str] = []
    if options.bindings in ("cffi", "bin"):
        lines.append(f'bindings = "{options.bindings}"')
    if options.layout == "mixed-src":
        lines.append('manifest-path = "rust/Cargo.toml"')
    source = python_source_dir(options)
    if source is not None:
        lines.append(f'python-source = "{source}"')
        if options.bindings == "bin":
            lines.append(f"module-name = {toml_string(options.module)}")
        else:
            native = f"{options.module}.{native_module(options)}"
            lines.append(f"# The native module lives inside the package: {native}")
            lines.append(f"module-name = {toml_string(native)}")
    return lines


def pyproject_toml(options: NewProjectOptions) -> str:
    """pyproject.toml: build system, PEP 621 metadata, and ``[tool.maturin]`` where needed."""
    requires, backend = _BUILD_SYSTEMS[options.backend]
    classifiers = ["Programming Language :: Rust", "Programming Language :: Python :: 3"]
    classifiers.append("Programming Language :: Python :: Implementation :: CPython")
    project = [
        "[project]",
        f"name = {toml_string(options.name)}",
        'dynamic = ["version"]  # read from Cargo.toml\'s version',
        'readme = "README.md"',
        f'requires-python = "{options.requires_python}"',
    ]
    if options.license:
        project.append(f"license = {toml_string(options.license)}")
    authors = _authors(options.author)
    if authors:
        project.append(authors)
    project.append("classifiers = [")
    project += [f"    {toml_string(c)}," for c in classifiers]
    project.append("]")
    if options.bindings == "cffi":
        project.append('dependencies = ["cffi"]')
    text = f'[build-system]\nrequires = {requires}\nbuild-backend = "{backend}"\n\n'
    text += "\n".join(project) + "\n"
    if options.is_mixed:
        text += '\n[project.optional-dependencies]\ntests = ["pytest"]\n'
    tool = _tool_maturin(options)
    if tool:
        text += "\n[tool.maturin]\n" + "\n".join(tool) + "\n"
    return text


def package_init(options: NewProjectOptions) -> str:
    """``__init__.py`` of a mixed project: the native functions plus one written in Python."""
    if options.bindings == "bin":
        return f'''\
"""{options.module}: Python functions around the `{options.name}` program written in Rust."""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

__all__ = ["greet", "program"]


def program() -> str:
    """Path of the installed `{options.name}` program (pip puts it in the scripts folder)."""
    folders = [sysconfig.get_path("scripts"), sysconfig.get_path("scripts", f"{{os.name}}_user")]
    for folder in folders:
        for name in ("{options.name}", "{options.name}.exe"):
            candidate = Path(folder) / name
            if candidate.is_file():
                return str(candidate)
    found = shutil.which("{options.name}")
    if found is None:
        raise FileNotFoundError("the `{options.name}` program is not installed")
    return found


def greet(name: str) -> str:
    """Ask the Rust program for a greeting."""
    done = subprocess.run([program(), name], capture_output=True, text=True, check=True)
    return done.stdout.strip()
'''
    if options.bindings == "cffi":
        native_import = "from ._native import ffi, lib"
        add = '''

def add(a: int, b: int) -> int:
    """Add two integers in Rust (through cffi)."""
    return lib.add(a, b)
'''
        exported = '"add", "add_all", "ffi", "lib"'
    else:
        native_import = "from ._native import add, greet"
        add = ""
        exported = '"add", "add_all", "greet"'
    return f'''\
"""{options.module}: a Python package with a native module written in Rust (`._native`)."""

from __future__ import annotations

{native_import}

__all__ = [{exported}]
{add}

def add_all(*numbers: int) -> int:
    """Add any number of integers, in Python, with the Rust `add`."""
    total = 0
    for number in numbers:
        total = add(total, number)
    return total
'''


def package_test(options: NewProjectOptions) -> str:
    """A pytest test of the installed package (``pip install .[tests]`` then ``pytest``)."""
    if options.bindings == "bin":
        body = f"""\
def test_greet() -> None:
    assert {options.module}.greet("Ferris") == "Hello, Ferris!"
"""
    else:
        body = f"""\
def test_add() -> None:
    assert {options.module}.add(2, 3) == 5


def test_add_all() -> None:
    assert {options.module}.add_all(1, 2, 3, 4) == 10
"""
        if options.bindings != "cffi":
            body += f"""

def test_greet() -> None:
    assert {options.module}.greet("Ferris") == "Hello, Ferris!"
"""
    return (
        f'"""Tests of the installed `{options.module}` package."""\n\nimport {options.module}\n\n\n'
        + body
    )


def usage_example(options: NewProjectOptions) -> str:
    """The line a user types to try the freshly installed project."""
    module = options.module
    if options.bindings == "bin":
        if options.is_mixed:
            return f"python -c \"import {module}; print({module}.greet('Ferris'))\""
        return f"{options.name} Ferris"
    if options.bindings == "cffi" and not options.is_mixed:
        return f'python -c "from {module} import lib; print(lib.add(2, 3))"'
    return f'python -c "import {module}; print({module}.add(2, 3))"'


def readme(options: NewProjectOptions) -> str:
    """A README that says how to build, install and try the project."""
    test = ""
    if options.is_mixed:
        test = (
            "\nRun the tests against the installed package:\n\n"
            "```\npip install '.[tests]'\npytest\n```\n"
        )
    return f"""\
# {options.name}

A Python package written in Rust ({options.bindings} bindings).

## Build and try it

```
cratewright build            # or: maturin build, pip wheel .
pip install .
{usage_example(options)}
```
{test}"""


def gitignore(options: NewProjectOptions) -> str:
    """What never belongs in the repository: build output, caches, virtualenvs."""
    return """\
target/
dist/
__pycache__/
*.py[cod]
*.so
*.pyd
*.egg-info/
.venv/
.pytest_cache/
"""
