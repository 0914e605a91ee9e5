"""Readme and license helpers for :mod:`cratewright.core.metadata.merge`.

Kept apart from the merge logic because each piece copies one small maturin behaviour that
is easy to get subtly wrong: which README is picked up, which content type it gets, where a
license file lands under ``<dist-info>/licenses/``, which globs PEP 639 allows, and how a
long ``License`` text is folded (textwrap's optimal-fit at 78 columns, CRLF + tab).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from cratewright.core.user_files import describe_path_error, read_user_file
from cratewright.errors import MetadataError

__all__ = [
    "LICENSE_AUTO_PATTERNS",
    "LicenseFile",
    "check_pep639_glob",
    "content_type_for",
    "fold_header",
    "glob_files",
    "read_text_file",
    "relative_license_name",
    "resolve_metadata_path",
]

#: Patterns maturin auto-includes from the pyproject dir when ``license-files`` is absent.
LICENSE_AUTO_PATTERNS = ("LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*")

_PLAIN = "text/plain; charset=UTF-8"
_GFM = "text/markdown; charset=UTF-8; variant=GFM"


@dataclass(frozen=True)
class LicenseFile:
    """A license file to ship: ``source`` on disk, ``archive_name`` under ``licenses/``."""

    source: Path
    archive_name: str


def content_type_for(path: Path) -> str:
    """Description-Content-Type guessed from the readme's extension, like maturin."""
    ext = path.suffix[1:].lower() if path.suffix else ""
    if ext == "rst":
        return "text/x-rst; charset=UTF-8"
    if ext in ("md", "markdown"):
        return _GFM
    return _PLAIN


def read_text_file(path: Path, failure: str) -> str:
    """Read UTF-8 text exactly (no newline translation); ``failure`` prefixes the error."""
    try:
        return read_user_file(path, "the file", error=MetadataError).decode("utf-8")
    except MetadataError as exc:
        reason = exc.message.split("cannot be used: ", 1)[-1]
        raise MetadataError(f"{failure}: {reason}") from None
    except UnicodeDecodeError as exc:
        raise MetadataError(f"{failure}: {exc}") from None


def _canonical(path: Path) -> Path:
    """``realpath`` that fails for missing paths, like Rust's canonicalize."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except (OSError, ValueError) as exc:
        raise MetadataError(f"Cannot resolve {path}: {describe_path_error(exc)}") from None


def resolve_metadata_path(project_dir: Path, allowed_root: Path, field: str, rel: str) -> Path:
    """Resolve a pyproject path field; ``..`` may only stay inside ``allowed_root``.

    maturin lets readme/license paths climb out of the pyproject dir as long as they stay in
    the Cargo workspace (a workspace-level README, for instance), and rejects absolute paths.
    """
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", rel):
        raise MetadataError(f"`{field}` path `{rel}` must be relative to pyproject.toml")
    source = project_dir / rel
    if ".." in pure.parts:
        source = _canonical(source)
        root = _canonical(allowed_root)
        if not source.is_relative_to(root):
            raise MetadataError(
                f"`{field}` path `{rel}` resolves outside allowed metadata root `{root}`"
            )
    return source


def relative_license_name(base_dir: Path, path: Path) -> str:
    """Name under ``licenses/``: the path relative to ``base_dir``, else just the file name."""
    try:
        rel = path.relative_to(base_dir)
    except ValueError:
        return path.name
    if ".." in rel.parts:
        return path.name
    return rel.as_posix()


def check_pep639_glob(pattern: str) -> None:
    """Reject ``license-files`` globs that PEP 639 does not allow (as pyproject-toml-rs does)."""
    star_run = 0
    start_or_slash = True
    chars = list(pattern)
    i = 0
    while i < len(chars):
        c = chars[i]
        if c == "*":
            star_run += 1
            if star_run == 3:
                raise MetadataError(f"Too many at stars at position {i - 2} in glob: `{pattern}`")
            i += 1
            continue
        if star_run == 2 and c != "/":
            raise MetadataError(f"Too many at stars at position {i - 2} in glob: `{pattern}`")
        star_run = 0
        parent = pattern[i : i + 2] == ".." and pattern[i + 2 : i + 3] in ("", "/")
        if c == "." and start_or_slash and parent:
            raise MetadataError(
                f"The parent directory operator (`..`) at position {i} is not allowed in "
                f"glob: `{pattern}`"
            )
        if c.isalnum() or c in "_-.?":
            start_or_slash = False
        elif c == "/":
            start_or_slash = True
        elif c == "[":
            i += 1
            while i < len(chars) and chars[i] != "]":
                if not (chars[i].isalnum() or chars[i] in "_-."):
                    raise MetadataError(
                        f"Invalid character `{chars[i]}` in range at position {i} in glob: "
                        f"`{pattern}`"
                    )
                i += 1
            start_or_slash = False
        elif c == "\\":
            raise MetadataError(
                "Only forward slashes are allowed as path separator, invalid character at "
                f"position {i} in glob: `{pattern}`"
            )
        else:
            raise MetadataError(f"Invalid character `{c}` at position {i} in glob: `{pattern}`")
        i += 1
    if pattern.startswith("/"):
        raise MetadataError(f"Invalid character `/` at position 0 in glob: `{pattern}`")


def _listdir(directory: Path) -> list[str]:
    try:
        return sorted(child.name for child in directory.iterdir())
    except (OSError, ValueError):
        return []


def glob_files(root: Path, pattern: str) -> list[str]:
    """Files under ``root`` matching a ``/``-separated glob, as sorted relative posix paths.

    Like Rust's ``glob`` crate (which maturin uses): matching is case-sensitive, ``*`` does
    not cross ``/`` but does match a leading dot, ``**`` spans any number of directories, and
    each directory is walked in sorted order.
    """
    parts = [p for p in pattern.split("/") if p]
    found: list[str] = []

    def walk(directory: Path, rel: tuple[str, ...], index: int) -> None:
        if index == len(parts):
            if (directory).is_file():
                found.append("/".join(rel))
            return
        part = parts[index]
        if part == "**":
            walk(directory, rel, index + 1)
            for name in _listdir(directory):
                child = directory / name
                if child.is_dir() and not child.is_symlink():
                    walk(child, (*rel, name), index)
            return
        for name in _listdir(directory):
            if fnmatchcase(name, part):
                child = directory / name
                if index + 1 == len(parts) or child.is_dir():
                    walk(child, (*rel, name), index + 1)

    if root.is_dir():
        walk(root, (), 0)
    seen: set[str] = set()
    unique = [p for p in found if not (p in seen or seen.add(p))]
    return sorted(unique, key=lambda p: p.split("/"))


# ---------------------------------------------------------------------------------------------
# Header folding: textwrap 0.16 defaults (optimal fit, hyphen splitting) at width 78


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


@dataclass
class _Fragment:
    word: str
    whitespace: str

    @property
    def width(self) -> int:
        return _width(self.word)


def _fragments(line: str, max_width: int) -> list[_Fragment]:
    """Words with trailing spaces, split after inner hyphens and slashes; long words broken."""
    words: list[_Fragment] = []
    for match in re.finditer(r"([^ ]*)( *)", line):
        word, space = match.group(1), match.group(2)
        if not (word or space):
            continue
        # Unicode line breaking (UAX 14) also allows a break after a solidus before a letter
        pieces = re.split(r"(?<=/)(?=[^\W\d_])", word)
        words += [_Fragment(piece, "") for piece in pieces[:-1]]
        words.append(_Fragment(pieces[-1], space))
    split: list[_Fragment] = []
    for w in words:
        cuts = [
            m.start() + 1
            for m in re.finditer("-", w.word)
            if 0 < m.start() < len(w.word) - 1
            and w.word[m.start() - 1].isalnum()
            and w.word[m.start() + 1].isalnum()
        ]
        prev = 0
        for cut in cuts:
            split.append(_Fragment(w.word[prev:cut], ""))
            prev = cut
        split.append(_Fragment(w.word[prev:], w.whitespace))
    broken: list[_Fragment] = []
    for f in split:
        if f.width <= max_width or max_width <= 0:
            broken.append(f)
            continue
        start, acc = 0, 0
        for i, ch in enumerate(f.word):
            w = _char_width(ch)
            if acc + w > max_width and i > start:
                broken.append(_Fragment(f.word[start:i], ""))
                start, acc = i, 0
            acc += w
        broken.append(_Fragment(f.word[start:], f.whitespace))
    return broken


def _optimal_fit(frags: list[_Fragment], width: int) -> list[list[_Fragment]]:
    """Minimum-raggedness line breaking with textwrap's default penalties."""
    n = len(frags)
    if n == 0:
        return [[]]
    offsets = [0]
    for f in frags:
        offsets.append(offsets[-1] + f.width + len(f.whitespace))
    target = max(width, 1)
    best: list[tuple[float, int]] = [(0.0, 0)]
    for j in range(1, n + 1):
        choice: tuple[float, int] | None = None
        for i in range(j):
            line_width = offsets[j] - offsets[i] - len(frags[j - 1].whitespace)
            cost = best[i][0] + 1000
            if line_width > target:
                cost += (line_width - target) * 2500
            elif j < n:
                cost += (target - line_width) ** 2
            elif i + 1 == j and line_width < target / 4:
                cost += 25
            if choice is None or cost < choice[0]:
                choice = (cost, i)
        assert choice is not None
        best.append(choice)
    lines: list[list[_Fragment]] = []
    pos = n
    while pos > 0:
        prev = best[pos][1]
        lines.append(frags[prev:pos])
        pos = prev
    lines.reverse()
    return lines


def fold_header(text: str, width: int = 78) -> str:
    """Fold a long header value: wrapped lines joined with CRLF, continuation lines tabbed.

    This reproduces maturin's ``License`` folding (textwrap with a tab subsequent indent,
    which counts as zero columns; empty lines become a lone tab).
    """
    out: list[str] = []
    for paragraph in text.split("\n"):
        if not out and len(paragraph.encode()) < width:
            out.append(paragraph.rstrip(" "))
            continue
        for words in _optimal_fit(_fragments(paragraph, width), width):
            if not words:
                out.append("")
                continue
            line = "".join(f.word + f.whitespace for f in words[:-1]) + words[-1].word
            out.append(line if not out else "\t" + line)
    return "\r\n".join(line.rstrip() or "\t" for line in out)
