"""Run a few lines of Python in a fresh interpreter and read back what they printed last as
JSON: how tests see what a *new* process imports or sets (one already running has imported
everything the suite has)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from locations import REPO


def probe(
    source: str,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Any:
    """The JSON value on the last line ``source`` prints, run with ``args`` as ``sys.argv[1:]``
    from the repository root with the repository on the path; ``env`` replaces the inherited
    environment (default: this process's)."""
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = str(REPO)
    run = subprocess.run(
        [sys.executable, "-c", source, *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])
