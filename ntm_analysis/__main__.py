"""``python -m ntm_analysis``: the ``ntm`` command, for a Python whose scripts are not on PATH
(a Dask worker's, a conda environment not activated)."""

from ntm_analysis.cli import main

raise SystemExit(main())
