"""Fail-loud environment helpers (the healthchecks pattern): a bad value stops start-up."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        # A secret may come from a file (Docker/Kubernetes secrets): NAME_FILE.
        path = os.environ.get(f"{name}_FILE")
        if path:
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        if default is None:
            raise ImproperlyConfigured(f"Missing environment variable {name}")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}: use true/false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}: not an integer")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def policy_names(base_dir, apps: list[str]) -> set[str]:
    """Every ``TELEREG_<NAME>`` a deployment may set: the keys of each app's ``conf.py``
    ``DEFAULTS`` / ``_DEFAULTS`` dict, read from the source (settings load before apps,
    so the modules are not imported)."""
    import ast
    from pathlib import Path

    names: set[str] = set()
    for app in apps:
        path = Path(base_dir) / app / "conf.py"
        if not path.exists():
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
            value = getattr(node, "value", None)
            named = isinstance(target, ast.Name) and target.id in ("DEFAULTS", "_DEFAULTS")
            if named and isinstance(value, ast.Dict):
                names |= {k.value for k in value.keys if isinstance(k, ast.Constant)}
    return {f"TELEREG_{n}" for n in names}


def refuse_unknown_policy_names(environ, known: set[str]) -> None:
    """A misspelt policy variable would be silently ignored, leaving the default in force:
    refuse to start instead, naming the closest known name."""
    import difflib

    unknown = sorted(n for n in environ if n.startswith("TELEREG_") and n not in known)
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hints.append(f"{name} (did you mean {close[0]}?)" if close else name)
        raise ImproperlyConfigured(
            "Unknown TELEREG_* setting(s): " + ", ".join(hints) + ". Policy names are the keys of "
            "DEFAULTS in each app's conf.py."
        )


def refuse_unsafe(*, debug: bool, environ, database_engine: str) -> None:
    """Outside DEBUG, refuse to start on an embedded fallback: SQLite skips the append-only
    triggers and the audit sealer's lock, the filesystem broker loses work between machines."""
    if debug:
        return
    problems = []
    if not environ.get("DATABASE_URL") and not environ.get("DATABASE_URL_FILE"):
        problems.append("DATABASE_URL is not set (production runs on PostgreSQL)")
    elif database_engine.endswith("sqlite3"):
        problems.append("DATABASE_URL names SQLite (append-only triggers need PostgreSQL)")
    if not environ.get("CELERY_BROKER_URL") and not environ.get("CELERY_BROKER_URL_FILE"):
        problems.append("CELERY_BROKER_URL is not set (production uses Redis)")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start outside DEBUG: " + "; ".join(problems) + ". Set DEBUG=1 for a local demo."
        )
