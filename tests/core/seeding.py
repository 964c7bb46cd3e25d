"""Helpers for the tests of `dangjian seed`.

The demo county is seeded in parts: the county and its members, the membership story, then organizational life,
member development and the demonstration-site programme. Each later part has its own test module that seeds
everything up to it; the other modules leave the later parts out, since they test nothing there and a part like
the site programme (through its services) takes most of a small seed's time.
"""

import importlib

LATER_PARTS = {
    "orglife": ("dangjian.core.seeding.orglife", "seed_orglife"),
    "recruitment": ("dangjian.core.seeding.recruitment", "seed_recruitment"),
    "sites": ("dangjian.core.seeding.sites", "seed_sites"),
}


def skip_parts(monkeypatch, *parts: str) -> None:
    """Seed without the named later parts (their functions become no-ops for the test)."""
    for part in parts:
        module, name = LATER_PARTS[part]
        monkeypatch.setattr(importlib.import_module(module), name, lambda **kwargs: [])
