# The service's container image: Granian serving api.wsgi with production settings.
#
#   docker build -t constrained-api .
#   docker compose up --build                              # with PostgreSQL, see docker-compose.yml
#
# Migrations are an explicit step, never run at container start (several replicas
# must not race to migrate, and a failed migration must not crash-loop the service):
#
#   docker compose run --rm web python manage.py migrate
#
# Required at run time: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS. SECURE_SSL=1 (the
# default here) expects a TLS-terminating proxy that sets X-Forwarded-Proto; set
# SECURE_SSL=0 only for a local plain-http run.

FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --requirement /tmp/requirements.txt


FROM python:3.11-slim AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=0 \
    SECURE_SSL=1

# A named user for tools that look the uid up; files stay root-owned, so the
# service cannot rewrite its own code or static files.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .

# The message catalogs compiled (.po to .mo), then the static files.
# collectstatic imports the settings, which refuse to load without a SECRET_KEY:
# a throwaway one, for this step only, never part of the image's environment.
RUN python scripts/catalogs.py compile \
    && SECRET_KEY=collectstatic-build-only python manage.py collectstatic --no-input -v0 \
    && python -m compileall -q /app

USER 10001:10001
EXPOSE 8000

# Stdlib only (no curl in slim). The Host header must be one the service accepts
# (ALLOWED_HOSTS' first entry) or Django answers 400; /api/health/ is exempt from
# the https redirect, and live/ does not touch the database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost') or 'localhost'; port = os.environ.get('BIND', ':8000').rpartition(':')[2]; u.urlopen(u.Request(f'http://127.0.0.1:{port}/api/health/live/', headers={'Host': host}), timeout=4)"]

# api/server.py reads BIND (default 0.0.0.0:8000), WEB_CONCURRENCY and WEB_THREADS
# from the environment.
CMD ["python", "-m", "api.server"]
