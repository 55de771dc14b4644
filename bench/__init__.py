"""make bench: our portal and engine measured side by side with Odoo's own pages and actions.

`bench/run.py` is the entry point (see its docstring); each module here holds one concern:

- `settings`: sizes, repetitions, the targets, the superuser environment, the log line;
- `machine`: the machine measured and its load while each part runs;
- `server`: Odoo started with workers on loopback, logged-in sessions, client timing, its log;
- `seed`: the customers, their bookings and the background grown to each size;
- `pages`: the list and the calendar against `/my/orders`, and the free times;
- `odoo_flows`: Odoo's own buttons as the web client calls them (cancel, invoice);
- `cancel`: one cancellation end to end, ours against Odoo's;
- `bulk`: the bulk approval (server action) at 100 and 1,000 requests;
- `load`: 20 customers' POSTs at once, ours against Odoo's own portal POSTs;
- `waitlist`: the move-up list's matching of a freed time;
- `profiling`, `profile_flows`, `what_if`: in process, where ours spends its time;
- `targets`, `results`: the targets table and RESULTS.md.
"""
