"""The command's own process runs one BLAS thread unless the user chose otherwise (issue 17):
``cli.py`` sets the thread variables before numpy is first imported. An import of a module
that loads numpy above that setting made it too late for the command itself (its children
still got it): OpenBLAS then started a thread per core in every ``ntm`` process."""

from __future__ import annotations

import os

from probe import probe

from ntm_analysis import BLAS_VARS

# records the thread variables at the moment numpy is first imported, then imports the CLI
_PROBE = """
import json, os, sys
seen = {}
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy" and not seen:
            seen.update({v: os.environ.get(v) for v in sys.argv[1:]})
        return None
sys.meta_path.insert(0, Watch())
import ntm_analysis.cli
print(json.dumps(seen))
"""


def _at_numpy_import(**env_vars: str) -> dict[str, str | None]:
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
    return probe(_PROBE, BLAS_VARS, {**env, **env_vars})


def test_one_blas_thread_is_set_before_numpy_loads_in_the_command():
    assert _at_numpy_import() == dict.fromkeys(BLAS_VARS, "1")


def test_a_thread_count_the_user_chose_is_kept():
    seen = _at_numpy_import(OPENBLAS_NUM_THREADS="2")
    assert seen["OPENBLAS_NUM_THREADS"] == "2"
    assert seen["OMP_NUM_THREADS"] == "1"
