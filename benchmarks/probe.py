"""``python -m benchmarks.probe SPEC``: peak memory of benchmark cases in a fresh process.

SPEC is JSON: {"factory": "module:function", "kwargs": {...}, "cases": [...], "traced": bool}.
The factory does the setup and returns {case: callable}; each case's peak resident memory
(and, with "traced", its tracemalloc peak) is printed as one JSON line. See ``common``.
"""

from __future__ import annotations

import json
import sys

from .common import measure_cases

if __name__ == "__main__":
    print(json.dumps(measure_cases(json.loads(sys.argv[1]))))
