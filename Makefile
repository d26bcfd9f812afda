# Two commands a fresh clone needs (see README): `make report` and `make test`.
# Both create .venv on first use and are safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# A second Python for the wheel smoke: the first 3.13 that runs (pyenv's, or python3.13 on
# PATH; a pyenv shim without that version selected does not run). None: skipped.
PY313 ?= $(shell for p in $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) \
                 $$(command -v python3.13); do "$$p" -c '' 2>/dev/null && { echo "$$p"; break; }; \
                 done)

.PHONY: report test smoke lint bench calibrate clean browser lab

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Debian's Chromium prints the PDFs and runs the browser test; never a browser download.
# Installed where missing if this machine lets us (root with apt-get); otherwise say so:
# the batch then makes no PDFs and the browser test is skipped, both with this reason.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	     && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends chromium fonts-dejavu-core >/dev/null; } \
	|| echo "Chromium is not installed and cannot be installed here (needs root and" \
	        "apt-get): no PDFs, browser test skipped. Install it: apt-get install chromium"

report: $(STAMP) browser
	$(BIN)/ntm batch

test: $(STAMP) browser
	$(BIN)/ruff check ntm_analysis tests benchmarks
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory smoke

# The wheel outside the checkout: build it (from the sdist), install it in fresh venvs under a
# temporary folder, run ntm from another folder (tests/smoke_wheel.py says what it checks).
smoke: $(STAMP)
	@test -n "$(PY313)" || echo "smoke: no Python 3.13 found; the wheel is tried on $(PYTHON) only"
	$(BIN)/python tests/smoke_wheel.py --python $(PYTHON) $(if $(PY313),--python $(PY313))

# JupyterLab on the notebooks, on this computer only; as root too (JupyterLab refuses root
# without --allow-root). For the explorer without code: $(BIN)/ntm explore
lab: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=notebooks \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Simulation-based calibration (issue 13): 100 replicates of every known process, 2 workers;
# each case is stored as it finishes (benchmarks/calibration-state.csv.gz): run it again to
# continue an interrupted run. Rewrites its section of benchmarks/CALIBRATION.md. Not in `make test`.
calibrate: $(STAMP)
	nice -n 10 $(BIN)/python -m benchmarks.calibrate --jobs 2

clean:
	rm -rf $(VENV) reports
