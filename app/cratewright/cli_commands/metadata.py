"""`cratewright metadata show|set`: the merged Cargo + [project] metadata, with provenance.

``show`` prints every field, where its value comes from, what it overrides and what is wrong
with it (``--json`` for tools). ``set`` writes one field to the file that owns it, keeping
the rest of that file byte for byte, and refuses invalid values before writing anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cratewright.events import EventSink, Message

__all__ = ["ORDER", "register"]

ORDER = 30


def _value_text(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return ", ".join(
                f"{c.get('name', '')} <{c['email']}>".strip() if c.get("email") else c["name"]
                for c in value
            )
        return ", ".join(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value_text(v)}" for k, v in value.items())
    return str(value)


def _location(location: Any) -> dict[str, str] | None:
    return None if location is None else {"file": str(location.file), "key": location.dotted}


def _view_json(view: Any) -> dict[str, Any]:
    fields = {}
    for key, field in view.fields.items():
        prov = field.provenance
        fields[key] = {
            "label": field.spec.label,
            "value": field.value,
            "origin": prov.origin,
            "source": _location(prov.source),
            "dynamic": prov.dynamic,
            "inherited_via": _location(prov.inherited_via),
            "overrides": [
                {**(_location(o.location) or {}), "value": o.value, "reason": o.reason}
                for o in prov.overrides
            ],
            "note": prov.note,
            "edit_target": _location(field.target),
            "locked": field.locked,
            "problems": [p.as_dict() for p in view.problems_for(key)],
        }
    m = view.manifests
    return {
        "files": {
            "cargo_toml": str(m.cargo_path),
            "pyproject_toml": str(m.pyproject_path) if m.pyproject_path else None,
            "workspace_toml": str(m.workspace_path) if m.workspace_path else None,
        },
        "fields": fields,
        "problems": [p.as_dict() for p in view.problems],
        "metadata": view.render(),
    }


def _print_view(view: Any) -> None:
    width = max(len(f.spec.label) for f in view.fields.values())
    for field in view.fields.values():
        print(f"{field.spec.label:<{width}}  {_value_text(field.value)}")
        print(f"{'':<{width}}    ↳ {field.provenance.describe()}")
        for over in field.provenance.overrides:
            shown = _value_text(over.value)
            print(
                f"{'':<{width}}    ↳ overrides {over.location.describe()} = {shown} ({over.reason})"
            )
        if field.locked:
            print(f"{'':<{width}}    ↳ read-only: {field.locked}")
    if view.problems:
        print("\nProblems:")
        for problem in view.problems:
            mark = "✗" if problem.severity == "error" else "⚠"
            print(f"  {mark} {problem.field}: {problem.message}\n      hint: {problem.hint}")
    else:
        print("\nNo problems found.")


def run_show(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.metadata import load_metadata_view

    view = load_metadata_view(args.manifest_path)
    for text in view.messages:
        if "Warning" in text:
            sink(Message("warning", text))
    if args.json:
        json.dump(_view_json(view), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        _print_view(view)
    return 0


def run_set(args: argparse.Namespace, sink: EventSink) -> int:
    from cratewright.core.metadata import MetadataSession, field_spec, parse_cli_value
    from cratewright.errors import MetadataError

    spec = field_spec(args.field)
    session = MetadataSession.open(args.manifest_path)
    value = parse_cli_value(spec.key, args.values)
    if not session.set_field(spec.key, value):
        sink(Message("info", f"✅ `{spec.key}` already has that value; nothing to write"))
        return 0
    errors = [p for p in session.view().problems_for(spec.key) if p.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise MetadataError(f"invalid {spec.key}: {first.message}{more}", hint=first.hint)
    changes = session.changes()
    session.save()
    for change in changes:
        sys.stdout.write(change.diff())
        sink(Message("info", f"✏️  Updated `{spec.key}` in {change.path}"))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("metadata", help="show or edit the package metadata")
    verbs = parser.add_subparsers(dest="metadata_command", metavar="ACTION", required=True)

    show = verbs.add_parser("show", help="fields, where each comes from, and problems")
    show.add_argument(
        "-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory"
    )
    show.add_argument("--json", action="store_true", help="print JSON for tools")
    show.set_defaults(run=run_show)

    edit = verbs.add_parser(
        "set",
        help="set one field in the file that owns it",
        description=(
            "Set FIELD to VALUE... in the file that owns it (pyproject.toml [project], "
            "Cargo.toml, or the workspace root). Lists take several values (keywords a b); "
            "contacts are 'Name <email>'; tables KEY=VALUE (urls Homepage=https://...); "
            "optional-dependencies EXTRA=REQUIREMENT; entry-points GROUP:NAME=module:obj. "
            "No value removes the field."
        ),
    )
    edit.add_argument(
        "-m", "--manifest-path", type=Path, help="Cargo.toml, pyproject.toml or project directory"
    )
    edit.add_argument("field", metavar="FIELD", help="e.g. version, summary, keywords, urls")
    values = edit.add_argument("values", metavar="VALUE", nargs="*", help="the new value(s)")
    values.allow_empty = True  # type: ignore[attr-defined]  # `set summary ""` is an edit
    edit.set_defaults(run=run_set)
