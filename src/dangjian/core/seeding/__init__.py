"""Demo data: a realistic county (modelled on 旌德县) generated deterministically by `dangjian seed`."""

from .generator import DEFAULT_MEMBERS, DEFAULT_SEED, PASSWORD, SeedRefused, SeedSummary, seed_county

__all__ = ["DEFAULT_MEMBERS", "DEFAULT_SEED", "PASSWORD", "SeedRefused", "SeedSummary", "seed_county"]
