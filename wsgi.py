"""WSGI entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``, and ``flask --app wsgi``.

Settings come from the environment, and from a ``.env`` file in the working directory
(or above it) read first; a variable that is already set wins over the file.
"""

from dotenv import find_dotenv, load_dotenv

load_dotenv(find_dotenv(usecwd=True))

from app import create_app  # noqa: E402 - after .env: imports read some settings

app = create_app()
