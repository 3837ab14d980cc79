"""Fast bulk inserts: COPY on PostgreSQL, executemany elsewhere.

Large imports spend most of their time sending rows; PostgreSQL's COPY moves
them several times faster than row-by-row statements, inside the same
transaction as everything else.
"""

from __future__ import annotations

import json

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.engine import Connection


def bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` on ``connection``."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in columns)
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def insert_returning_ids(connection: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` and return their new ids, in the order of ``rows``.

    On PostgreSQL the ids are drawn from the table's sequence first, so the rows
    can travel by COPY; elsewhere an executemany with RETURNING does it.
    """
    if not rows:
        return []
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}).scalar_one()
        ids = list(connection.execute(
            text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": len(rows)}).scalars())
        bulk_insert(connection, table, [{"id": new_id, **row} for new_id, row in zip(ids, rows)])
        return ids
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        result = connection.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                    rows[start:start + 5000])
        ids.extend(result.scalars())
    return ids
