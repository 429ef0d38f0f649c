"""The errors of the instance tools: a refused configuration, a failed backup."""

from pathlib import Path


class ConfigError(ValueError):
    """A configuration value, an environment variable or a file cannot be used.

    ``key`` is the setting or environment variable at fault, or ``None`` when
    the file as a whole is wrong (unreadable, not YAML, not a mapping). The
    message always starts with that name, so an operator can fix the line
    without reading code. ``path`` is the file the setting came from, added by
    whoever knows it; ``str()`` puts it in front of the message.
    """

    def __init__(self, key: str | None, message: str, path: Path | None = None):
        super().__init__(message)
        self.key = key
        self.message = message
        self.path = path

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.path}: {self.message}"


class BackupError(RuntimeError):
    """A backup, restore or pack cannot be made; the message says why and how
    to fix it, and nothing was left half-done."""
