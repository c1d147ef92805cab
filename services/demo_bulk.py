"""Fast inserts for generated data: plain rows, ids chosen here, written in bulk.

An ORM object costs tens of microseconds, and even Core's ``insert`` spends most of its time
re-processing each parameter set; 100,000 demo candidates with their rules are half a
million rows. So values go through each column's own bind processor once (enum codes,
JSON, SQLite's date strings) and straight to the driver: ``executemany`` on SQLite,
``COPY`` on PostgreSQL. Ids are allocated here (after each table's current maximum) so that
rows can reference each other before anything is sent; rows are buffered and written
parents first; PostgreSQL sequences are moved past the chosen ids at the end.
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Base

FLUSH_EVERY = 20_000  # rows buffered across tables before writing them
CHUNK = 5_000  # rows per executemany


class RowWriter:
    """Buffers rows per table and writes them in foreign-key order."""

    def __init__(self, session: Session):
        self.session = session
        self.pending: dict[Table, list[dict]] = defaultdict(list)
        self.buffered = 0
        self.counts: dict[str, int] = defaultdict(int)
        self._next_id: dict[Table, int] = {}

    def new_id(self, table: Table) -> int:
        if table not in self._next_id:
            self._next_id[table] = (self.session.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self._next_id[table]
        self._next_id[table] = value + 1
        return value

    def add(self, table: Table, row: dict) -> None:
        self.pending[table].append(row)
        self.buffered += 1

    def checkpoint(self) -> None:
        """Called between whole records (a candidate, a need): write once enough rows wait."""
        if self.buffered >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write everything buffered, parents before children."""
        for table in Base.metadata.sorted_tables:
            rows = self.pending.pop(table, None)
            if not rows:
                continue
            for start in range(0, len(rows), CHUNK):
                self._write(table, rows[start:start + CHUNK])
            self.counts[table.name] += len(rows)
        self.buffered = 0

    def _write(self, table: Table, rows: list[dict]) -> None:
        connection = self.session.connection()
        dialect = connection.dialect
        names = [column.name for column in table.columns if column.name in rows[0]]  # the compiled order
        processors = [(index, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
                      for index, name in enumerate(names)]
        processors = [(index, process) for index, process in processors if process is not None]
        pick = itemgetter(*names)
        values = []
        for row in rows:
            value = list(pick(row))
            for index, process in processors:
                value[index] = process(value[index])
            values.append(tuple(value))
        if dialect.name == "postgresql":
            quote = dialect.identifier_preparer.quote
            statement = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
            try:
                with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
                    for value in values:
                        copy.write_row(value)
            except dialect.loaded_dbapi.IntegrityError as error:  # the driver's own: said as SQLAlchemy says it
                raise IntegrityError(statement, None, error) from error
        else:
            statement = insert(table).compile(dialect=dialect, column_keys=names)
            connection.exec_driver_sql(str(statement), values)

    def finish(self) -> dict[str, int]:
        """Flush, then let PostgreSQL's sequences continue after the ids chosen here."""
        self.flush()
        if self.session.get_bind().dialect.name == "postgresql":
            for table in self._next_id:
                self.session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :value)"),
                    {"name": table.name, "value": self._next_id[table] - 1},
                )
        return dict(self.counts)
