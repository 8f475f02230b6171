"""A ``.env`` file in the working directory feeds the entry points; set variables win."""

import os
import subprocess
import sys
from pathlib import Path

import jwt

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")
FILE_SECRET = "a-secret-from-the-dotenv-file-of-32-bytes-or-more"


def run(args, cwd, dotenv, **env):
    """Run ``args`` in ``cwd`` holding ``dotenv`` as .env, with only ``env`` set on top."""
    (cwd / ".env").write_text(dotenv)
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    base.update(PYTHONPATH=str(ROOT), SEED_DEMO_DATA="false", **env)
    done = subprocess.run(args, cwd=cwd, env=base, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_wsgi_app_reads_dotenv_and_the_environment_wins(tmp_path):
    printed = run(
        [
            sys.executable,
            "-c",
            "import wsgi; c = wsgi.app.config; print(c['IMPORT_IP_MAX'], c['MONGO_DB'])",
        ],
        tmp_path,
        "IMPORT_IP_MAX=3\nMONGO_DB=from-the-file\n",
        MONGO_DB="from-the-environment",
    )
    assert printed == "3 from-the-environment"


def test_the_cli_reads_dotenv(tmp_path):
    token = run(
        [str(FLASK), "--app", "wsgi", "create-token", "alice"],
        tmp_path,
        f"JWT_SECRET_KEY={FILE_SECRET}\n",
    )
    claims = jwt.decode(token.splitlines()[-1], FILE_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "alice"


def test_gunicorn_settings_read_dotenv(tmp_path):
    script = f"import runpy; print(runpy.run_path({str(ROOT / 'gunicorn.conf.py')!r})['threads'])"
    assert run([sys.executable, "-c", script], tmp_path, "GUNICORN_THREADS=3\n") == "3"
