"""The benchmark (bench/run.py); not part of the service."""

from __future__ import annotations
