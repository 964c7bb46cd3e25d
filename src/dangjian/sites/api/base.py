from decimal import Decimal

from ninja import Router

router = Router(tags=["党建示范点"])


def num(value: Decimal | None) -> float | None:
    """Scores and rates as JSON numbers."""
    return None if value is None else float(value)
