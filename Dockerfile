FROM python:3.11-slim AS base

# PORT: what gunicorn.conf.py binds (unless BIND is set) and the health check asks;
# FLASK_APP: the `flask` commands work as they are (`flask create-token alice`).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000 \
    FLASK_APP=wsgi

WORKDIR /srv/colloquy
RUN useradd --create-home --uid 10001 colloquy

# Dependencies first, in a layer of their own: exact versions and hashes from the lock,
# rebuilt only when the lock changes (`make lock`), not on every change of the source.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then the service itself, without dependencies (they are all above).
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-deps .
COPY wsgi.py gunicorn.conf.py buffering_worker.py ./
# the embedded store's data (only without MONGO_URI); mount a volume here to keep it
RUN install -d -o colloquy /srv/colloquy/data

USER 10001
# every address inside the container (gunicorn.conf.py's embedded default is 127.0.0.1,
# unreachable through a published port); the embedded store's secret is random
ENV HOST=0.0.0.0
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'); sys.exit(urllib.request.urlopen(url, timeout=2).status != 200)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
