# 医保明白账 — build, serve, test, benchmark. Fresh Debian + Python 3.11 + Node: `make serve`, `make test`.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
PORT    ?= 8000
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test build dist bench venv site-deps test-deps node chromium clean lock

.venv/bin/python:
	python3 -m venv .venv

# Installs come from the hashed locks (every transitive package pinned, sha256-checked by pip).
# requirements-*.txt are the human-edited inputs; `make lock` regenerates the locks from them.
site-deps: .venv/bin/python
	$(PIP) install -q --require-hashes -r requirements-site.lock

test-deps: .venv/bin/python
	$(PIP) install -q --require-hashes -r requirements-test.lock

PIPTOOLS := .build/piptools/bin
lock:
	[ -x $(PIPTOOLS)/pip-compile ] || { python3 -m venv .build/piptools && $(PIPTOOLS)/pip install -q pip-tools==7.6.2; }
	for k in site test; do CUSTOM_COMPILE_COMMAND="make lock" $(PIPTOOLS)/pip-compile -q --generate-hashes \
	  --allow-unsafe --no-emit-find-links --no-emit-index-url --strip-extras \
	  -o requirements-$$k.lock requirements-$$k.txt; done

node_modules/pyodide/pyodide.mjs: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node: node_modules/pyodide/pyodide.mjs

# Chromium for the e2e tests, plus CJK fonts so pages, screenshots and the printed 明白纸 render Chinese text;
# Firefox ESR and WebKitGTK's WebDriver (in an Xvfb display) for the other engines' walks
# (tests/e2e/test_other_engines.py; Chromium 92 comes from npm, `make node`).
chromium:
	@{ [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/opentype/noto ] && [ -x /usr/bin/firefox ] && \
	   [ -x /usr/bin/WebKitWebDriver ] && [ -x /usr/bin/Xvfb ]; } || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium fonts-noto-cjk firefox-esr webkit2gtk-driver xvfb; }

build: site-deps node
	$(PY) build_site.py

# A deployable site in dist/: needs base_url and figures_date in site-settings.toml (see README).
dist: site-deps node
	$(PY) build_site.py --production --out dist

serve: build
	$(PY) scripts/serve.py --dir site --port $(PORT)

# Three test processes (pytest-xdist), each taking whole files: the e2e files wait on pages, timers and
# stalled downloads much of the time, which the other processes fill. JOBS=1 runs them in one.
JOBS ?= 3
test: test-deps node chromium build
	$(PY) -m calc check
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile --durations=25 tests/unit tests/site tests/e2e

bench: test-deps node chromium
	$(PY) -m benchmarks.load
	$(PY) -m benchmarks.roster

clean:
	rm -rf site .build build dist *.egg-info
