"""Run a bench script in a Zope process of its own against a stopped instance.

A FileStorage opens in one process only, so the scripts that write many
objects run while no server holds it; they write their figures as JSON.
"""

from pathlib import Path
import json
import os
import subprocess
import sys
import tempfile


# A bounded run: far more than the bench's data sets need on this machine.
TIMEOUT_SECONDS = 1800


def run_in_instance(script: Path, config: Path, var_dir: Path, *args: str) -> dict:
    """Run ``script --config config --output <file> *args`` and read its JSON."""
    environ = {
        name: value for name, value in os.environ.items() if not name.startswith("PRO_")
    }
    environ["PRO_VAR_DIR"] = str(var_dir)
    with tempfile.TemporaryDirectory(prefix="pro-bench-") as scratch:
        output = Path(scratch) / "figures.json"
        log = Path(scratch) / "script.log"
        command = [
            sys.executable,
            str(script),
            "--config",
            str(config),
            "--output",
            str(output),
            *args,
        ]
        with log.open("wb") as log_file:
            result = subprocess.run(
                command,
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT_SECONDS,
            )
        if result.returncode != 0:
            tail = log.read_text(errors="replace").splitlines()[-30:]
            raise RuntimeError(
                f"{script.name} exited with status {result.returncode}:\n"
                + "\n".join(tail)
            )
        return json.loads(output.read_text(encoding="utf-8"))
