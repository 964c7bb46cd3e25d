"""The catalogue data files shipped with the app (`data/catalogues/*.json`) and their validation.

A data file holds one catalogue without a year: `{domain, title, description, source, criteria: [...]}`,
each criterion `{code, group, title, description, max_score, method, metric?, threshold?, evidence, source}`.
`dangjian load_catalogues --year 2026` turns every file into a published catalogue of that year (see
`services.catalogue_load`); a county may edit the files or add its own before loading.
"""

import hashlib
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dangjian.orgs.models import Domain

from .metrics import METRICS
from .models import ALL_DOMAINS, Method

DATA_DIR = Path(__file__).resolve().parent / "data" / "catalogues"
DOMAINS = {value for value, _label in Domain.choices} | {ALL_DOMAINS}
TEXT_LIMITS = {"code": 20, "group": 60, "title": 200, "evidence": 300, "source": 200}


class CatalogueDataError(ValueError):
    def __init__(self, name: str, problems: list[str]):
        super().__init__(f"{name}: " + "; ".join(problems))
        self.problems = problems


def data_files(directory: Path = DATA_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def problems_of(data) -> list[str]:
    """Everything wrong with a catalogue's data, in plain words (empty when it is valid)."""
    if not isinstance(data, dict):
        return ["not an object"]
    found = []
    if data.get("domain") not in DOMAINS:
        found.append(f"domain {data.get('domain')!r} is not one of {sorted(DOMAINS)}")
    if not str(data.get("title") or "").strip():
        found.append("title is missing")
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        return [*found, "criteria must be a non-empty list"]
    codes = set()
    for index, item in enumerate(criteria, 1):
        where = f"criterion {index}"
        if not isinstance(item, dict):
            found.append(f"{where} is not an object")
            continue
        code = str(item.get("code") or "").strip()
        where = f"criterion {code or index}"
        if not code:
            found.append(f"{where}: code is missing")
        elif code in codes:
            found.append(f"{where}: code is repeated")
        codes.add(code)
        for field in ("group", "title"):
            if not str(item.get(field) or "").strip():
                found.append(f"{where}: {field} is missing")
        for field, limit in TEXT_LIMITS.items():
            if len(str(item.get(field) or "")) > limit:
                found.append(f"{where}: {field} is longer than {limit}")
        score = _number(item.get("max_score"))
        if score is None or score <= 0 or score >= 10000:
            found.append(f"{where}: max_score must be a positive number")
        method = item.get("method")
        if method not in (Method.AUTO, Method.MANUAL):
            found.append(f"{where}: method must be 'auto' or 'manual'")
        if method == Method.AUTO and item.get("metric") not in METRICS:
            found.append(f"{where}: metric {item.get('metric')!r} is not one of {sorted(METRICS)}")
        if method == Method.MANUAL and item.get("metric"):
            found.append(f"{where}: a manual criterion has no metric")
        threshold = item.get("threshold")
        if threshold is not None and _number(threshold) is None:
            found.append(f"{where}: threshold must be a number or null")
    return found


def read(path: Path) -> dict:
    """The parsed and validated data of one file (CatalogueDataError otherwise)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueDataError(path.name, [str(exc)]) from None
    problems = problems_of(data)
    if problems:
        raise CatalogueDataError(path.name, problems)
    return data


def digest(data: dict) -> str:
    """A fingerprint of the content: loading the same content twice creates nothing new."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
