"""pyo3 extension modules: the native module under its EXT_SUFFIX (or ``.abi3.so``).

A pure project has no Python package of its own, so it gets maturin's generated
``__init__.py`` that re-exports the module, plus the user's ``<ext>.pyi`` stub as
``__init__.pyi`` and a ``py.typed`` marker when that stub exists.
"""

from __future__ import annotations

from cratewright.core.build.compile import CompiledArtifacts
from cratewright.core.build.plan import BuildPlan, WheelJob
from cratewright.core.wheel.writer import WheelWriter
from cratewright.errors import BuildError
from cratewright.events import EventSink, Message

__all__ = ["add_files", "init_py", "module_file_name"]


def module_file_name(extension_name: str, job: WheelJob) -> str:
    """``foo.abi3.so`` for the stable ABI, else ``foo`` + the interpreter's EXT_SUFFIX."""
    if job.abi3:
        return f"{extension_name}.abi3.so"
    if job.interpreter is None:
        raise BuildError("A pyo3 extension needs a target interpreter to name its module file")
    return f"{extension_name}{job.interpreter.ext_suffix}"


def init_py(extension_name: str) -> str:
    """The ``__init__.py`` maturin generates around a pure project's module."""
    return (
        f"from .{extension_name} import *\n\n"
        f"__doc__ = {extension_name}.__doc__\n"
        f'if hasattr({extension_name}, "__all__"):\n'
        f"    __all__ = {extension_name}.__all__"
    )


def add_files(
    writer: WheelWriter,
    plan: BuildPlan,
    job: WheelJob,
    compiled: CompiledArtifacts,
    *,
    sink: EventSink,
) -> None:
    """Add the native module and, for pure projects, the generated package around it."""
    layout = plan.layout
    if compiled.library is None:
        raise BuildError("cargo did not produce the extension module library")
    module_dir = layout.module_dir_in_wheel
    name = module_file_name(layout.extension_name, job)
    writer.add_file(str(module_dir / name), compiled.library, executable=True)
    if layout.is_mixed:
        return
    writer.add_bytes(str(module_dir / "__init__.py"), init_py(layout.extension_name).encode())
    stub = layout.rust_module / f"{layout.extension_name}.pyi"
    if stub.is_file():
        sink(Message("info", f"📖 Found type stub file at {layout.extension_name}.pyi"))
        writer.add_file(str(module_dir / "__init__.pyi"), stub, executable=False)
        writer.add_bytes(str(module_dir / "py.typed"), b"")
