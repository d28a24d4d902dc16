"""
The list's own SQL, timed by PostgreSQL at each table size.

End-to-end latency on a shared 2-core machine moves by 20% between slices;
whether a page's cost depends on the table's size is a question about the
query plan, answered exactly by EXPLAIN ANALYZE of the statement the service
ran (taken from the statement log, not rewritten here).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Plan:
    shape: str
    execution_ms: float
    rows: int


def explain(url: str, statement: str, runs: int = 5) -> Plan:
    """The median execution time of ``runs`` EXPLAIN ANALYZE of a SELECT."""
    if not statement.lstrip().upper().startswith("SELECT"):
        raise ValueError(f"not a SELECT: {statement[:80]}")
    # The statement comes from this run's own database log: the service's query.
    query = sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) ") + sql.SQL(statement)
    times = []
    with psycopg.connect(url, autocommit=True) as connection:
        for _ in range(runs):
            row = connection.execute(query).fetchone()
            if row is None:
                raise RuntimeError("EXPLAIN returned nothing")
            document: dict[str, Any] = row[0][0]
            times.append(float(document["Execution Time"]))
    top = document["Plan"]
    return Plan(shape=_shape(top), execution_ms=statistics.median(times), rows=top["Actual Rows"])


def _shape(node: dict[str, Any]) -> str:
    name = str(node["Node Type"])
    if node.get("Scan Direction") == "Backward":
        name += " Backward"
    if "Index Name" in node:
        name += f" using {node['Index Name']}"
    elif "Relation Name" in node:
        name += f" on {node['Relation Name']}"
    children = [_shape(child) for child in node.get("Plans", [])]
    return name + (f" > {', '.join(children)}" if children else "")
