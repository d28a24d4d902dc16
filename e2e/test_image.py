"""
The image without a Docker engine: the build context as .dockerignore leaves it,
the Dockerfile's build steps run in it, served with the image's ENV (SECURE_SSL=1)
as if behind a TLS proxy, and its HEALTHCHECK run against that.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from e2e import dockerfile
from e2e.live import ROOT, LiveServer, process_env, serve

DEPLOYED_HOST = "api.example.test"
BUNDLE = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"


@pytest.fixture(scope="module")
def production(
    image_tree: Path, database_url: str, server_log: Callable[[str], Path]
) -> Iterator[LiveServer]:
    image_env = dockerfile.environment(dockerfile.final_stage(ROOT / "Dockerfile"))
    image_env.pop("PATH")  # the image's virtualenv; process_env puts this one's first
    env = process_env(
        **image_env,
        ALLOWED_HOSTS=DEPLOYED_HOST,
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    with serve(env, server_log("production"), host=DEPLOYED_HOST, cwd=image_tree) as server:
        yield server


@pytest.fixture
def deployed(production: LiveServer) -> Iterator[httpx.Client]:
    with production.client() as client:
        yield client


def test_build_collects_compressed_static_files(image_tree: Path) -> None:
    assert (image_tree / "staticfiles" / f"{BUNDLE}.gz").is_file()


def test_healthcheck_passes(production: LiveServer) -> None:
    stage = dockerfile.final_stage(ROOT / "Dockerfile")
    command = dockerfile.healthcheck_command(dockerfile.only(stage, "HEALTHCHECK"))

    result = subprocess.run(  # noqa: S603 (the image's HEALTHCHECK)
        command, env=dict(production.env), capture_output=True, text=True, timeout=10, check=False
    )

    assert result.returncode == 0, result.stderr


def test_plain_http_is_redirected_to_https(deployed: httpx.Client) -> None:
    response = deployed.get("/api/users/")

    assert response.status_code == 301
    assert response.headers["location"] == f"https://{DEPLOYED_HOST}/api/users/"


def test_https_behind_the_proxy_is_served_with_hsts(deployed: httpx.Client) -> None:
    response = deployed.get("/api/users/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "max-age=" in response.headers["strict-transport-security"]


def test_collected_assets_are_served_compressed(deployed: httpx.Client) -> None:
    headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}

    response = deployed.get(f"/static/{BUNDLE}", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "SwaggerUIBundle" in response.text


def test_unknown_host_is_a_400_in_the_error_shape(deployed: httpx.Client) -> None:
    response = deployed.get("/api/users/", headers={"Host": "attacker.example"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bad_request"
