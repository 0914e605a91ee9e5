"""Every action a generated workflow uses, pinned to a full commit SHA.

maturin writes ``actions/checkout@v6``: a tag its owner can move, which zizmor reports as
``unpinned-uses``. We pin the commit the tag named when it was looked up and keep the tag as
a comment (``uses: actions/checkout@<sha> # v6.1.0``), the convention Dependabot and pinact
update. Each pin stays on the major version maturin 1.16 uses, so both files mean the same
action; the tag is the newest release of that major when the SHA was read from the action's
repository (``git rev-parse TAG^{commit}``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PINS", "ActionPin", "pin"]


@dataclass(frozen=True)
class ActionPin:
    """One action at one commit: ``name@sha`` in YAML, ``tag`` in the comment beside it."""

    name: str
    sha: str
    tag: str

    @property
    def uses(self) -> str:
        """The value of ``uses:``."""
        return f"{self.name}@{self.sha}"

    @property
    def major(self) -> str:
        """The major tag maturin writes (``v6`` for ``v6.1.0``)."""
        return self.tag.split(".")[0]


_TABLE = (
    ("actions/checkout", "d23441a48e516b6c34aea4fa41551a30e30af803", "v6.1.0"),
    ("actions/setup-python", "ece7cb06caefa5fff74198d8649806c4678c61a1", "v6.3.0"),
    ("actions/upload-artifact", "b7c566a772e6b6bfb58ed0dc250532a479d7789f", "v6.0.0"),
    ("actions/download-artifact", "37930b1c2abaa49bbe596cd826c3c89aef350131", "v7.0.0"),
    ("actions/attest", "1e69f48acb82d1966a394da916b4c1698aa569d6", "v4.2.2"),
    # maturin writes setup-node@v3 (node16, retired by GitHub); v6 has `package-manager-cache`.
    ("actions/setup-node", "249970729cb0ef3589644e2896645e5dc5ba9c38", "v6.5.0"),
    ("PyO3/maturin-action", "e83996d129638aa358a18fbd1dfb82f0b0fb5d3b", "v1.51.0"),
    ("astral-sh/setup-uv", "37802adc94f370d6bfd71619e3f0bf239e1f3b78", "v7.6.0"),
    ("uraimo/run-on-arch-action", "f9b26e3a1a408d5fd530d20c17b9f3f4428ff8d9", "v3.1.0"),
    ("emscripten-core/setup-emsdk", "4528d102f7230f0e7b276855c01ea1159be0e984", "v16"),
)

PINS: dict[str, ActionPin] = {name: ActionPin(name, sha, tag) for name, sha, tag in _TABLE}


def pin(name: str) -> ActionPin:
    """The pin of action ``name``; a KeyError here is a bug (every used action is pinned)."""
    return PINS[name]
