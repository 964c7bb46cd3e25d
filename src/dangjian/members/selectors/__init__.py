"""Reads of the member information system, always through core.scoping; one module per area."""
