"""The roster workbook (花名册): the import template, reading an upload, checking each row, the error sheet
and the printed export. Plain values in and out — no queries here; members/services/importing.py decides
against the database and writes.

Reading uses python-calamine (ARCHITECTURE.md: openpyxl is ten times slower on big files), writing uses
XlsxWriter. Row numbers are always the ones Excel shows (1-based, header included).

- columns.py — the columns, their code tables (民族, 学历 …) and cell values as text and dates;
- rows.py — opening an upload, finding its header, checking one row;
- sheets.py — the template, the error sheet and the roster for printing.
"""

from .columns import BY_KEY, COLUMNS, ERROR_HEADER, TEMPLATE_COLUMNS, ImportFileError
from .rows import Roster, Row, RowErrors, check_row, error_text, is_blank, open_roster
from .sheets import EXPORT_HEADERS, OrgChoice, build_error_sheet, build_roster, build_template, roster_title

__all__ = [
    "BY_KEY",
    "COLUMNS",
    "ERROR_HEADER",
    "EXPORT_HEADERS",
    "TEMPLATE_COLUMNS",
    "ImportFileError",
    "OrgChoice",
    "Roster",
    "Row",
    "RowErrors",
    "build_error_sheet",
    "build_roster",
    "build_template",
    "check_row",
    "error_text",
    "is_blank",
    "open_roster",
    "roster_title",
]
