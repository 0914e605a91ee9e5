"""Where the Python side of a project lives and which of its files go into the wheel.

maturin calls a project "mixed" when a Python package with the module's name sits in the
python root (the pyproject directory, ``python-source``, or ``src/`` in the src layout);
otherwise it is "pure" and the wheel gets a generated package around the native module.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cratewright.core.project.locate import Project
from cratewright.core.project.maturin_config import GlobPattern
from cratewright.errors import ConfigError, ProjectError
from cratewright.events import EventSink, Message, null_sink

__all__ = ["ProjectLayout", "determine_layout", "module_name_for", "python_files"]

# Leftovers of `develop` that must not be shipped a second time next to the fresh build.
_NATIVE_SUFFIXES = (".so", ".pyd", ".dll", ".dylib", ".pdb", ".dwp")


@dataclass(frozen=True)
class ProjectLayout:
    """The Python layout of a project.

    ``python_module`` is the package directory of a mixed project (None when pure).
    ``rust_module`` is the directory that receives the native module; its path relative to
    ``python_dir`` is where the module goes inside the wheel.
    """

    project_root: Path
    python_dir: Path
    module_name: str
    extension_name: str
    python_module: Path | None
    rust_module: Path
    python_packages: tuple[str, ...]
    data: Path | None

    @property
    def is_mixed(self) -> bool:
        """True when the wheel ships the user's own Python package."""
        return self.python_module is not None

    @property
    def kind(self) -> str:
        """ "pure", "mixed" or "mixed (python-source)" for display."""
        if not self.is_mixed:
            return "pure"
        return "mixed" if self.python_dir == self.project_root else "mixed (python-source)"

    @property
    def module_dir_in_wheel(self) -> PurePosixPath:
        """Wheel directory that holds the native module (e.g. ``pkg/sub`` or ``ext``)."""
        if self.python_module is None:
            return PurePosixPath(self.extension_name)
        return PurePosixPath(self.rust_module.relative_to(self.python_dir).as_posix())

    @property
    def glue_package_in_wheel(self) -> PurePosixPath:
        """Package that holds a cffi/uniffi library and its generated Python glue.

        In a mixed project the glue gets its own subpackage named after the extension, so it
        cannot clash with the user's ``__init__.py``.
        """
        if self.python_module is None:
            return self.module_dir_in_wheel
        return self.module_dir_in_wheel / self.extension_name


def module_name_for(project: Project, *, is_bin: bool = False, sink: EventSink = null_sink) -> str:
    """maturin's precedence: module-name, Cargo [lib] name, [project] name, crate name.

    A name taken from ``[project]`` or the crate that has a minus gets cargo's normalised lib
    name (``-`` -> ``_``), where maturin refuses; the log says which name was used and why.
    """
    lib = project.cargo.get("lib", {})
    project_table = project.project_table or {}
    candidates = (
        (project.maturin.module_name, "[tool.maturin] module-name"),
        (lib.get("name") if isinstance(lib, dict) else None, "the Cargo [lib] name"),
        (project_table.get("name"), "the [project] name"),
        (project.cargo["package"]["name"], "the crate name"),
    )
    name, source = next(((n, s) for n, s in candidates if n), (None, ""))
    if not isinstance(name, str) or not name:
        raise ConfigError(f"Invalid module name {name!r}")
    if not is_bin:
        if "-" in name and project.maturin.module_name:
            raise ConfigError(
                f"The module name must not contain a minus `-` (got {name!r}); "
                "use an underscore in [tool.maturin] module-name"
            )
        if "-" in name:
            normalised = name.replace("-", "_")
            sink(
                Message(
                    "info",
                    f"🏷️  Module name `{normalised}`: {source} `{name}` has a minus, which a "
                    "Python module name cannot have, so cargo's normalised lib name is used "
                    "(maturin refuses this; set [tool.maturin] module-name to choose another)",
                )
            )
            name = normalised
    return name


def _python_root(project: Project, packages: Sequence[str]) -> Path:
    root = project.project_root
    if project.maturin.python_source is not None:
        source = project.maturin.python_source
        if not source.is_dir():
            shown = source.relative_to(root) if source.is_relative_to(root) else source
            raise ProjectError(
                f"python-source is set to `{shown}` "
                "but the directory does not exist. Either create the directory or remove the "
                "`python-source` setting from pyproject.toml."
            )
        return source.resolve()
    name = (project.project_table or {}).get("name")
    if isinstance(name, str) and (root / "rust" / "Cargo.toml").is_file():
        inits = [root / "src" / p / "__init__.py" for p in (name.replace("-", "_"), *packages)]
        if any(init.is_file() for init in inits):
            return root / "src"
    return root


def determine_layout(project: Project, module_name: str) -> ProjectLayout:
    """Work out pure vs mixed, where the native module goes and the data directory."""
    root = project.project_root
    packages = project.maturin.python_packages
    python_dir = _python_root(project, packages)
    parts = module_name.split(".")
    python_module = python_dir / parts[0]
    rust_module = python_dir.joinpath(*parts[:-1]) if len(parts) > 1 else python_module
    if not (python_module / "__init__.py").is_file() and (python_module / "Cargo.toml").is_file():
        python_module_found: Path | None = None
    else:
        python_module_found = python_module if python_module.is_dir() else None
    if python_module_found is None and project.maturin.python_source is not None:
        raise ProjectError(
            f"python-source is set to `{python_dir}`, but the python module at "
            f"`{python_module}` does not exist. Either create the Python module or remove the "
            "`python-source` setting from pyproject.toml."
        )
    data = project.maturin.data
    if data is not None and not data.is_dir():
        raise ProjectError(f"No such data directory {data}")
    if data is None and (root / f"{module_name}.data").is_dir():
        data = root / f"{module_name}.data"
    return ProjectLayout(
        project_root=root,
        python_dir=python_dir,
        module_name=module_name,
        extension_name=parts[-1],
        python_module=python_module_found,
        rust_module=rust_module if python_module_found else root,
        python_packages=packages,
        data=data,
    )


def _is_develop_artifact(relative: PurePosixPath, extension_name: str) -> bool:
    name = relative.name
    return name.startswith(extension_name) and name.endswith(_NATIVE_SUFFIXES)


def _walk(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        if path.is_file():
            yield path


def _excluded(relative: str, excludes: Sequence[GlobPattern]) -> bool:
    return any(p.applies_to("wheel") and fnmatch.fnmatchcase(relative, p.path) for p in excludes)


def python_files(
    layout: ProjectLayout, exclude: Sequence[GlobPattern] = ()
) -> list[tuple[str, Path]]:
    """(wheel path, source) for every file of the Python package and ``python-packages``.

    Byte-code caches are skipped (maturin's templates exclude them too); develop leftovers of
    the native module are skipped because the fresh build adds its own.
    """
    roots: list[Path] = []
    if layout.python_module is not None:
        roots.append(layout.python_module)
    for package in layout.python_packages:
        path = layout.python_dir / package
        if path not in roots:
            if not path.exists():
                raise ProjectError(
                    f"python-packages entry {package!r} not found in {layout.python_dir}"
                )
            roots.append(path)
    files: list[tuple[str, Path]] = []
    for root in roots:
        candidates = _walk(root) if root.is_dir() else iter([root])
        for path in candidates:
            relative = PurePosixPath(path.relative_to(layout.python_dir).as_posix())
            if _is_develop_artifact(relative, layout.extension_name):
                continue
            source_rel = (
                path.relative_to(layout.project_root).as_posix()
                if path.is_relative_to(layout.project_root)
                else str(relative)
            )
            if _excluded(source_rel, exclude) or _excluded(str(relative), exclude):
                continue
            files.append((str(relative), path))
    return files
