"""The type stubs a finished wheel carries: what the GUI shows after a build.

Reading them back from the wheel (rather than remembering what was generated) shows the
truth: generated stubs, hand-written ones and ``py.typed`` markers alike.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from cratewright.errors import BuildError

__all__ = ["wheel_stub_files"]

# A stub is text of a few KB; a huge member is not worth showing in a viewer.
_MAX_STUB = 4 * 1024 * 1024


def wheel_stub_files(wheel: Path) -> dict[str, str]:
    """Archive path -> text of every ``.pyi`` and ``py.typed`` in ``wheel``, sorted by path.

    Raises:
        BuildError: the wheel cannot be read.
    """
    found: dict[str, str] = {}
    try:
        with zipfile.ZipFile(wheel) as archive:
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                name = info.filename
                if not name.endswith((".pyi", "/py.typed")) and name != "py.typed":
                    continue
                if info.file_size > _MAX_STUB:
                    found[name] = f"# {info.file_size} bytes: too large to show\n"
                    continue
                found[name] = archive.read(info).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile) as exc:
        raise BuildError(f"Cannot read the wheel {wheel}: {exc}") from None
    return found
