# One image, two commands:
#   docker run IMAGE                               the web service (gunicorn, gunicorn.conf.py)
#   docker run --no-healthcheck IMAGE flask --app app scheduler     the reminder scheduler
#   docker run --rm IMAGE flask --app app init-db  create or migrate the schema (each release)
# See docs/deploy.md.

# BASE: any Debian 12 image with Python 3.11 as `python` (the official one by default).
ARG BASE=python:3.11-slim-bookworm

# --- build: compilers and headers stay in this stage -------------------------------------
FROM ${BASE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt .
# Only the runtime dependencies: the test and lint tools are in requirements-dev.txt.
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r requirements.txt

# --- runtime: the virtualenv and the code, no compiler, not root -------------------------
FROM ${BASE}
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin ys
COPY --from=build /venv /venv
WORKDIR /app
# The code belongs to root and is read-only to the service; only instance/ (the SQLite file,
# the generated secret key) and the metrics directory are writable.
COPY . .
RUN mkdir -p /app/instance /tmp/ys-metrics \
    && chown ys:ys /app/instance /tmp/ys-metrics \
    && python -m compileall -q /app
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/ys-metrics
USER ys
EXPOSE 8000
VOLUME ["/app/instance"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
