# Two commands a fresh clone needs (see README): `make report` and `make test`.
# Both create .venv on first use and are safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint bench clean browser lab

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

# JupyterLab on the notebooks, on this computer only; as root too (JupyterLab refuses root
# without --allow-root). For the explorer without code: $(BIN)/ntm explore
lab: $(STAMP)
	$(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=notebooks \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) reports
