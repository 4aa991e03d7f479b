"""The whole published catalogue as one JSON document (format documented in docs/data-formats.md)."""

from __future__ import annotations

import json

from zhengwu.catalog import selectors, specs
from zhengwu.core import clock

FORMAT = "zhengwu-catalogue"
FORMAT_VERSION = 1


def catalogue_document() -> dict:
    """Every active item's current version, with its codes, organisation and effective date."""
    items = []
    for version in selectors.current_versions():
        item, organisation = version.item, version.item.organisation
        spec = specs.from_version(version)
        items.append(
            {
                "code": item.code,
                "organisation": None
                if organisation is None
                else {
                    "name": organisation.name,
                    "short_name": organisation.short_name,
                    "uscc": organisation.uscc,
                },
                "version": version.number,
                "effective_on": version.effective_on.isoformat() if version.effective_on else None,
                **spec,
                # The windows as the spec names them (centre, number), with what a reader needs to go there.
                "windows": [
                    {key: w[key] for key in ("centre", "number", "name", "address", "opening_hours")}
                    for w in selectors.window_details(version)
                ],
            }
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": clock.now().isoformat(),
        "items": items,
    }


def write_json(stream) -> int:
    """Write the catalogue document to a text stream; return how many items it holds."""
    document = catalogue_document()
    json.dump(document, stream, ensure_ascii=False, indent=2)
    return len(document["items"])
