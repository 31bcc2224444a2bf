# orgkit tasks. `make` alone lists them.
# The first target that needs it creates .venv (Python 3.11+) and installs orgkit into it.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
ORGKIT := $(VENV)/bin/orgkit
REPORTS ?= reports
export TQDM_DISABLE ?=
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help install report sample validate assess test test-fast lab bench clean

help: ## List the tasks
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "orgkit needs Python 3.11 or newer; set PYTHON=python3.11"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[all,test]"
	@touch $@

install: $(VENV)/.installed ## Create .venv and install orgkit with every extra (dask, lab) and its test tools

report: install ## Produce the bundled sample client's report in reports/ (HTML; PDF too when Chromium is installed)
	$(ORGKIT) report "$$($(ORGKIT) sample --path)" -o $(REPORTS) \
		$$($(PY) -c 'from orgkit.report.chromium import find_chromium; print("--pdf" if find_chromium() else "")')

sample: install ## Write a 1,000-person sample client to clients/sample-1000
	$(ORGKIT) sample clients/sample-1000 --employees 1000 --force

validate: install ## Validate the bundled sample client
	$(ORGKIT) validate "$$($(ORGKIT) sample --path)"

assess: install ## Print the bundled sample client's metrics.json
	$(ORGKIT) assess "$$($(ORGKIT) sample --path)"

test: install ## Run the whole test suite, notebooks included
	$(PY) -m pytest tests orgkit notebooks --doctest-modules --ignore=orgkit/resources \
		--nbval-lax --nbval-current-env -p no:cacheprovider

test-fast: install ## Run the unit tests only (no notebooks, reports or browser)
	$(PY) -m pytest tests orgkit --doctest-modules --ignore=orgkit/resources -m "not slow and not browser" \
		-p no:cacheprovider

lab: install ## Open JupyterLab on notebooks/ in the project's environment
	$(VENV)/bin/jupyter lab notebooks/

bench: install ## Run the benchmarks (prints ratios against baselines run in the same process)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean: ## Remove what orgkit wrote in reports/ (nothing else there), caches and .venv
	@if [ -x $(ORGKIT) ]; then $(ORGKIT) clean $(REPORTS); \
	else echo "$(REPORTS)/ left as it is: orgkit is not installed in $(VENV); make install && make clean removes what orgkit wrote there"; fi
	rm -rf $(VENV) .pytest_cache build *.egg-info
