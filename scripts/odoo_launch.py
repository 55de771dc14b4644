"""Run Odoo's command line (like odoo-bin) from the importable `odoo` package (18.0 or 19.0).

A file, not `python -m odoo`: Odoo's prefork server respawns its gevent process
with `sys.argv[0]`, which must be a script it can run again.
"""

import os

os.environ["TZ"] = "UTC"  # as odoo-bin: the server runs in UTC

import odoo.cli  # in 19.0, `import odoo` alone no longer brings the command line

if __name__ == "__main__":
    odoo.cli.main()
