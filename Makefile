# Two entry points for a fresh Debian/Ubuntu machine: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := softhsm2 opensc gnutls-bin libegl1 libgl1 libfontconfig1 libxkbcommon0 \
	libglib2.0-0 libdbus-1-3 fonts-wqy-microhei xvfb xauth libxkbcommon-x11-0 libx11-xcb1 \
	libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 python3-venv zbar-tools \
	gcc make libc6-dev libssl-dev libp11-kit-dev openssl
STAMP := $(VENV)/.installed

.PHONY: setup system-packages demo test lint bench clean sm2token

setup: system-packages $(STAMP)

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[gui,sandbox,dev]'
	touch $(STAMP)

# `make demo DEMO_KEY=sm2`: the demo with a 国密 SM2 key on the SM2 test token.
demo: setup sm2token
	HY_DEMO_KEY=$(or $(DEMO_KEY),rsa) $(BIN)/python -m hy_client.sandbox.launch

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The SM2 test token (C on libcrypto, tests only; never part of the bundle).
sm2token:
	$(MAKE) -s -C tests/sm2token

test: setup sm2token
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

bench: setup sm2token
	for b in bench/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info test-artifacts tests/sm2token/libsm2token.so

# Build the one-folder bundle (build.spec), smoke-test it, fail past 200 MB (docs/windows.md).
.PHONY: release-check
release-check: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/release_check.py
