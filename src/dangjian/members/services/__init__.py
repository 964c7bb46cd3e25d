"""Writes of the member information system, one module per area (records, importing, transfers, status, mobile, self-service)."""
