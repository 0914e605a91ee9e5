"""pyo3 extension modules: the native module under its EXT_SUFFIX (or ``.abi3.so``).

A pure project has no Python package of its own, so it gets maturin's generated
``__init__.py`` that re-exports the module, plus the user's ``<ext>.pyi`` stub as
``__init__.pyi`` and a ``py.typed`` marker when that stub exists. With ``--generate-stubs``
the stubs are read from the compiled module instead (see :mod:`cratewright.core.build.stubs`),
for mixed projects too.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from cratewright.core.build.compile import CompiledArtifacts
from cratewright.core.build.plan import BuildPlan, WheelJob
from cratewright.core.build.stubs import stub_files_for_library
from cratewright.core.build.stubs.placement import stub_files_for_wheel
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
    generated: dict[PurePosixPath, bytes] = {}
    if plan.generate_stubs:
        stubs = stub_files_for_library(compiled.library, layout.extension_name)
        sink(Message("info", "📖 Type stub extracted from the built binary"))
        generated = stub_files_for_wheel(layout, stubs)
    if not layout.is_mixed:
        writer.add_bytes(str(module_dir / "__init__.py"), init_py(layout.extension_name).encode())
    for archive_path, content in generated.items():
        writer.add_bytes(str(archive_path), content)
    if not layout.is_mixed:
        _add_user_stub(writer, plan, sink=sink)


def _add_user_stub(writer: WheelWriter, plan: BuildPlan, *, sink: EventSink) -> None:
    """A pure project's hand-written ``<ext>.pyi``, unless stubs were generated instead."""
    layout = plan.layout
    stub = layout.rust_module / f"{layout.extension_name}.pyi"
    if not stub.is_file():
        return
    if plan.generate_stubs:
        sink(
            Message(
                "warning",
                f"⚠️  Warning: Ignoring the type stub file at {layout.extension_name}.pyi, "
                "stubs are automatically generated instead",
            )
        )
        return
    sink(Message("info", f"📖 Found type stub file at {layout.extension_name}.pyi"))
    module_dir = layout.module_dir_in_wheel
    writer.add_file(str(module_dir / "__init__.pyi"), stub, executable=False)
    writer.add_bytes(str(module_dir / "py.typed"), b"")
