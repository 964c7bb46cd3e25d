"""Fast writes for the seed: plain executemany on SQLite, COPY on PostgreSQL, encryption in worker processes.

Rows are tuples already in database form (encrypted fields hold Fernet tokens), so neither model instances
nor per-value field conversions are involved: the ORM's bulk_create manages ~17k rows/s (ARCHITECTURE.md);
a member row costs ~14 µs here on SQLite once its secondary indexes are left to be rebuilt at the end.
"""

import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.db.models.fields import NOT_PROVIDED

from dangjian.core.crypto import encrypt, lookup_hash

BATCH = 5_000


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (values in `fields` order, by attname) into the model's table; returns the count."""
    meta = model._meta
    defaults = _defaults(model, fields)
    columns = [meta.get_field(name).column for name in fields] + [column for column, _ in defaults]
    if defaults:
        constants = tuple(value for _, value in defaults)
        rows = (tuple(row) + constants for row in rows)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # SQLite (and any other backend): executemany in batches, dates as ISO text like Django stores them.
        dates = [i for i, name in enumerate(fields) if isinstance(meta.get_field(name), models.DateField)]
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence] = []
        for row in rows:
            if dates:
                row = list(row)
                for i in dates:
                    if row[i] is not None:
                        row[i] = row[i].isoformat()
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _defaults(model: type[models.Model], fields: Sequence[str]) -> list[tuple[str, object]]:
    """(column, value) for fields the rows leave out and the database has no default for.

    Fields other apps add later (with `db_default`, or a Python default) then need no change here.
    """
    return [
        (field.column, field.get_db_prep_save(field.get_default(), connection))
        for field in model._meta.concrete_fields
        if field.attname not in fields and field.db_default is NOT_PROVIDED
    ]


@contextmanager
def indexes_rebuilt_after(model: type[models.Model]):
    """On SQLite, drop the table's secondary indexes for a big load and create them again after it.

    Building an index from sorted data is several times faster than growing it row by row. The exact DDL
    is read back from sqlite_master, so whatever indexes the model has are restored as they were. Inside
    the caller's transaction, so a failed load leaves the schema untouched.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _, sql in indexes:
            cursor.execute(sql)


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def analyze(*models_: type[models.Model]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def protect_personal(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(id_number, phone) → (encrypted id_number, lookup hash, encrypted phone); an empty phone stays empty."""
    return [
        (encrypt(number), lookup_hash(number), encrypt(phone) if phone else "") for number, phone in pairs
    ]


class Encryptor:
    """Runs protect_personal inline for small seeds and in forked worker processes for big ones.

    Fernet costs ~14 µs a value, so a million members (two values each) take ~30 s of one core; the workers
    encrypt one chunk while the main process draws the next. Workers are forked, inherit the settings and
    never touch the database.
    """

    def __init__(self, *, parallel: bool):
        workers = os.cpu_count() or 1
        self.pool = None
        if parallel and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("fork")
            )
            self.parts = workers

    def submit(self, pairs: list[tuple[str, str]]) -> list[Future] | list[tuple[str, str, str]]:
        if self.pool is None:
            return protect_personal(pairs)
        step = -(-len(pairs) // self.parts)
        return [self.pool.submit(protect_personal, pairs[i : i + step]) for i in range(0, len(pairs), step)]

    @staticmethod
    def result(handle) -> list[tuple[str, str, str]]:
        if handle and isinstance(handle[0], Future):
            return [item for future in handle for item in future.result()]
        return handle

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
