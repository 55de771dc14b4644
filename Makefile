# booking_change_request: the addon's tooling. Odoo 18.0 is a prerequisite.
PYTHON ?= python3
export PYTHON

.PHONY: setup test test-static test-unit test-odoo demo bench pot clean

setup:
	@scripts/setup.sh

test:
	@scripts/test.sh all

test-static:
	@scripts/test.sh static

test-unit:
	@scripts/test.sh unit

test-odoo:
	@scripts/test.sh odoo

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

pot:
	@scripts/export_pot.sh

clean:
	rm -rf .cache .test-logs
