"""
Where a request's time goes: ``.venv/bin/python bench/run.py levers [--requests N]``.

Each lever is one change to the service as shipped, measured alone: the same
requests through Django's whole handler (every middleware, DRF, the database
round trips) in this one process, on a fresh PostgreSQL database, without the
server, wrk or the network. A row is the fastest of ten batches' mean CPU time
per request in this process (the database's work and the wait for it left
out: no lever changes them), for the service as shipped and with the lever.
The variants run in turns, batch by batch, each batch starting with another
one, so that neither a burst of other work on the machine nor the growing
table favours one. What the numbers leave out: the server (Granian's access
log, its HTTP parsing) and the concurrency, which bench/run.py's table measures.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repository, not bench/

from bench.common import HIGH_RATE, say  # noqa: E402
from e2e.live import fresh_database  # noqa: E402

ROUTES = ("floor", "page of 20", "refused create", "accepted create")
BATCHES = 10


@dataclass(frozen=True)
class Lever:
    name: str
    change: Callable[[], Any]  # a context manager that applies it


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py levers", description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per batch")
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database(args.server_url, Path(), prefix="bench"))
        os.environ.update(
            DATABASE_URL=url,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="testserver",
            THROTTLE_WRITE=HIGH_RATE,
            DJANGO_SETTINGS_MODULE="api.settings",
        )
        import django

        django.setup()
        from django.core.management import call_command

        say(f"migrate and seed {url.rpartition('/')[2]}")
        call_command("migrate", "--no-input", verbosity=0)
        print(_measure(args.requests, _levers()))
    return 0


def _levers() -> list[Lever]:
    from django.conf import settings
    from django.test import override_settings

    def without(*names: str) -> Callable[[], Any]:
        kept = [m for m in settings.MIDDLEWARE if m not in names]
        return lambda: override_settings(MIDDLEWARE=kept)

    rest = dict(settings.REST_FRAMEWORK)
    orjson = override_settings(
        REST_FRAMEWORK={
            **rest,
            "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["drf_orjson_renderer.parsers.ORJSONParser"],
        }
    )
    return [
        Lever("as shipped", _nothing),
        Lever("without LocaleMiddleware", without("django.middleware.locale.LocaleMiddleware")),
        Lever("without WhiteNoise", without("whitenoise.middleware.WhiteNoiseMiddleware")),
        Lever(
            "without CSRF and clickjacking middleware",
            without(
                "django.middleware.csrf.CsrfViewMiddleware",
                "django.middleware.clickjacking.XFrameOptionsMiddleware",
            ),
        ),
        Lever("orjson renderer and parser", lambda: orjson),
        Lever("a refusal not judged again", _unjudged),
        Lever("a follow built without DRF's fields", _plain_follows),
    ]


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _unjudged() -> Iterator[None]:
    # The 400 names the one rule the database reported, as before every rule was named.
    from integrity import evaluation

    judge = evaluation.broken_rules
    evaluation.broken_rules = lambda *args, **kwargs: []
    try:
        yield
    finally:
        evaluation.broken_rules = judge


@contextmanager
def _plain_follows() -> Iterator[None]:
    # What a representation built without DRF's per-field work would save: the same
    # JSON for a follow, from its attributes, with the serializer still documenting it.
    from rest_framework.fields import DateTimeField

    from social.serializers import FollowSerializer

    created_at = DateTimeField()

    def plain(self: Any, follow: Any) -> dict[str, Any]:
        return {
            "id": follow.pk,
            "from_user": follow.from_user_id,
            "to_user": follow.to_user_id,
            "created_at": created_at.to_representation(follow.created_at),
        }

    FollowSerializer.to_representation = plain  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        del FollowSerializer.to_representation


def _measure(requests: int, levers: list[Lever]) -> str:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from social.models import Follow

    user = User.objects.create_user("levers")
    token = Token.objects.create(user=user).key
    followers = User.objects.bulk_create(User(username=f"levers-{n}") for n in range(25))
    Follow.objects.bulk_create(Follow(from_user=f, to_user=user) for f in followers)
    need = requests * BATCHES * len(levers) + 100
    targets = iter(User.objects.bulk_create(User(username=f"target-{n}") for n in range(need)))
    headers = {"Authorization": f"Token {token}"}
    json = "application/json"

    def route(client: Client, name: str) -> int:
        if name == "floor":
            return client.get("/api/health/live/").status_code
        if name == "page of 20":
            return client.get("/api/follows/", headers=headers).status_code
        to_user = user.pk if name == "refused create" else next(targets).pk
        body = f'{{"to_user": {to_user}}}'
        return client.post("/api/follows/", body, content_type=json, headers=headers).status_code

    expected = {"floor": 200, "page of 20": 200, "refused create": 400, "accepted create": 201}
    best: dict[tuple[str, str], float] = {}
    # The 400s' log lines would go to stderr a thousand times.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    for batch in range(BATCHES):
        say(f"batch {batch + 1}/{BATCHES}")
        # Each batch starts with another lever: none always runs first, or on the
        # emptiest table.
        for lever in levers[batch % len(levers) :] + levers[: batch % len(levers)]:
            with lever.change():
                client = Client()
                for name in ROUTES:
                    count = requests if name != "accepted create" else requests // 2
                    if name != "accepted create":
                        for _ in range(10):
                            route(client, name)
                    start = time.process_time()
                    for _ in range(count):
                        status = route(client, name)
                        if status != expected[name]:
                            raise SystemExit(f"{lever.name} {name}: {status}")
                    mean = (time.process_time() - start) / count * 1000
                    key = (lever.name, name)
                    best[key] = min(best.get(key, mean), mean)
    return _table(levers, best)


def _table(levers: list[Lever], best: dict[tuple[str, str], float]) -> str:
    lines = [
        "| lever | " + " | ".join(f"{name} (CPU ms)" for name in ROUTES) + " |",
        "| --- | " + " | ".join("---:" for _ in ROUTES) + " |",
    ]
    for lever in levers:
        cells = []
        for name in ROUTES:
            ms = best[lever.name, name]
            shipped = best["as shipped", name]
            change = "" if lever.name == "as shipped" else f" ({(ms - shipped) / shipped:+.0%})"
            cells.append(f"{ms:.3f}{change}")
        lines.append(f"| {lever.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
