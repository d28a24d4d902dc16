"""
The service's WSGI application with one lever pulled, for ``bench/run.py levers
--live``: ``BENCH_LEVER`` names it. Only the benchmark serves this module.
"""

from __future__ import annotations

import gc
import os

LEVER = os.environ.get("BENCH_LEVER", "")

if LEVER == "no gc.freeze":
    gc.freeze = lambda: None

from api.wsgi import application  # noqa: E402

if LEVER == "refusal not judged":
    # The 400 names the one rule the database reported, as before every rule was named.
    from integrity import evaluation

    evaluation.broken_rules = lambda *args, **kwargs: []

if LEVER == "fields built per serializer":
    # DRF's own: each serializer reads the model and builds every field anew.
    from rest_framework.serializers import ModelSerializer

    from integrity.rest_framework.serializers import ConstraintModelSerializer

    ConstraintModelSerializer.get_fields = ModelSerializer.get_fields  # type: ignore[method-assign]

if LEVER == "4xx warning logged":
    # Django's "Bad Request: /path" line beside the access log's, for every 4xx.
    import logging

    logging.getLogger("django.request").setLevel(logging.WARNING)

__all__ = ["application"]
