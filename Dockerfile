FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/colloquy
RUN useradd --create-home --uid 10001 colloquy

COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

COPY wsgi.py gunicorn.conf.py buffering_worker.py ./
COPY scripts ./scripts
# the embedded store's data (only without MONGO_URI); mount a volume here to keep it
RUN install -d -o colloquy /srv/colloquy/data

USER colloquy
# every address inside the container (gunicorn.conf.py's embedded default is 127.0.0.1,
# unreachable through a published port); the embedded store's secret is random
ENV HOST=0.0.0.0
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"

CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
