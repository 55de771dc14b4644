# A package only so that pytest-odoo imports harness_samples/ as part of the addon
# (odoo.addons.booking_change_request.scripts...), as it imports tests/; Odoo never loads it.
