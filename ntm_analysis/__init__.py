"""ntm-analysis: will Vietnam's New Rural Development (Nông thôn mới) targets be reached?

A small library of loaders, metrics and forecasts over one tidy panel
(``commune_code, year, criterion, met``), used by thin parameterised notebooks.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ntm-analysis")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

# The BLAS thread-count variables: one thread unless the user chose otherwise (cli.py sets
# them before numpy loads; the batch passes them to every unit, also on Dask workers).
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
