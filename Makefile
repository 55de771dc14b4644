# booking_change_request: the addon's tooling. Odoo 18.0 or 19.0 is a prerequisite:
# the one python3 imports, or ODOO_PATH (its source) run by ODOO_PYTHON (its Python).
PYTHON ?= python3
export PYTHON

.PHONY: setup test test-all test-static test-unit test-odoo dev test-one dev-stop dev-reset demo bench pot clean

setup:
	@scripts/setup.sh

test:
	@scripts/test.sh all

# CI: make test with the Odoo tier once per series this machine has (README, "Series")
test-all:
	@scripts/test.sh all-series

test-static:
	@scripts/test.sh static

test-unit:
	@scripts/test.sh unit

test-odoo:
	@scripts/test.sh odoo

# The development loop (README, "Develop"): a persistent database in .dev/, and
# make test-one T=tests/test_x.py [K='pytest -k expression'] [PYTEST_ARGS='-x -vv']
dev:
	@scripts/dev.sh up

test-one:
	@scripts/dev.sh test

dev-stop:
	@scripts/dev.sh stop

dev-reset:
	@scripts/dev.sh reset

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

pot:
	@scripts/export_pot.sh

# Every folder the tooling makes, its clusters stopped first.
clean:
	@scripts/clean.sh
