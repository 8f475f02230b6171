"""The embedded store's token-signing secret: random, made once, kept with its data.

With no ``JWT_SECRET_KEY`` the embedded store signs tokens with a secret of its own,
never a constant: 48 random bytes, written at the first start to ``jwt-secret`` in the
data directory (file mode 0600, kept so, created atomically so two processes starting at once
agree on one secret) and read back by every later start and by the CLI, so
``create-token`` mints tokens the running server accepts. Deleting the data directory
makes a new secret, and every token minted before stops working. With no data
directory (``DATA_DIR=:memory:``, tests) the secret lives in the process only.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)

SECRET_FILE = "jwt-secret"
SECRET_BYTES = 48


class SecretUnreadable(RuntimeError):
    """The secret file exists but holds no usable secret; nothing starts on top of it."""


def embedded_secret(data_dir: str | None) -> str:
    """The secret kept in ``data_dir`` (made there if it is not yet), or a fresh one."""
    if data_dir is None:
        return _new_secret()
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        _create(path)
    _keep_private(path)
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < SECRET_BYTES:
        raise SecretUnreadable(
            f"{path} holds no usable secret; delete it (tokens minted before stop working)"
        )
    return secret


def _keep_private(path: Path) -> None:
    """Take back any access others were given to the secret (a copy, a loose umask)."""
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("%s was readable by others; it is now readable by its owner only", path)
        path.chmod(0o600)


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def _create(path: Path) -> None:
    """Write a new secret to ``path`` unless another process just did (it then wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")  # one per caller
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(_new_secret() + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)  # atomic, and refuses to replace a secret already there
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)
