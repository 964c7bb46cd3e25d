"""党建通 — grassroots Party-building platform."""
