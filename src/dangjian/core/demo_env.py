"""Safe local settings for `dangjian demo`: a random secret and encryption key kept in var/demo.env."""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def load_demo_env() -> Path:
    var_dir = Path(os.environ.get("DANGJIAN_VAR_DIR", Path.cwd() / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env_file = var_dir / "demo.env"
    if not env_file.exists():
        env_file.write_text(
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n",
            encoding="utf-8",
        )
        env_file.chmod(0o600)
    for line in env_file.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key and value:
            os.environ.setdefault(key.strip(), value.strip())
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DANGJIAN_VAR_DIR", str(var_dir))
    return env_file
