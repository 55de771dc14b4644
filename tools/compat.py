"""What differs between Odoo 18.0 and 19.0 for this addon, in one place.

Models, controllers, tests and the benchmark take these names from here rather than
from Odoo, and get what the running series has. Each says what it becomes once 18.0 is
dropped: Odoo 19's own name, used directly.
"""

from types import SimpleNamespace
from unittest.mock import patch

from odoo import models
from odoo.release import version_info

__all__ = [
    "GROUP_IDS",
    "LINE_TAXES",
    "ODOO_19",
    "RECORD_NAME",
    "SERIES",
    "Constraint",
    "Intervals",
    "Transaction",
    "cron_progress",
    "expression",
    "group_users",
    "process_email_queue",
    "sending_mail_in_tests",
]

SERIES = version_info[:2]  # (18, 0) or (19, 0)
ODOO_19 = SERIES >= (19, 0)

if ODOO_19:
    from odoo.fields import Domain
    from odoo.orm.environments import Transaction
    from odoo.tools.intervals import Intervals

    # odoo.osv.expression is deprecated in 19.0 (a warning at import): the few functions
    # the addon uses, as lists built by 19.0's Domain (then: Domain itself).
    expression = SimpleNamespace(
        AND=lambda domains: list(Domain.AND(domains)),
        OR=lambda domains: list(Domain.OR(domains)),
        normalize_domain=lambda domain: list(Domain(domain)),
    )

    # 19.0's table constraint (then: models.Constraint)
    Constraint = models.Constraint
else:
    from odoo.addons.resource.models.utils import Intervals
    from odoo.api import Transaction
    from odoo.osv import expression

    class Constraint:
        """19.0's ``models.Constraint`` on 18.0, which ignores it: ``_name = Constraint(definition,
        message)`` in a model's body adds ``("name", definition, message)`` to its
        ``_sql_constraints``, which 19.0 ignores in turn (with a warning). The database name is
        the same on both: the table's, an underscore, the name.
        """

        def __init__(self, definition, message=""):
            self.definition = definition
            self.message = message

        def __set_name__(self, owner, name):
            own = owner.__dict__.get("_sql_constraints", [])
            owner._sql_constraints = [*own, (name[1:], self.definition, self.message)]


# The groups of a user and of an action: groups_id in 18.0, group_ids in 19.0.
GROUP_IDS = "group_ids" if ODOO_19 else "groups_id"
# The taxes of an order line: tax_id in 18.0, tax_ids in 19.0.
LINE_TAXES = "tax_ids" if ODOO_19 else "tax_id"
# The name an email's header shows, given to message_post: the message's stored record_name
# in 18.0, the notification's force_record_name in 19.0 (where record_name is computed).
RECORD_NAME = "force_record_name" if ODOO_19 else "record_name"


def group_users(group):
    """A group's users, those of the groups implying it included (18.0 stores them all in
    ``users``; 19.0 stores the explicit ones in ``user_ids`` and computes ``all_user_ids``)."""
    return group.all_user_ids if ODOO_19 else group.users


def cron_progress(env, done, remaining):
    """Tell the running cron how many were done and remain (19.0: ``_commit_progress``).

    19.0's ``_commit_progress`` also commits, and outside a cron it only commits: it is
    called in a cron only (18.0's ``_notify_progress`` does nothing outside one).
    """
    if not ODOO_19:
        env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    elif env.context.get("ir_cron_progress_id"):
        env["ir.cron"]._commit_progress(done, remaining=remaining)


def process_email_queue(mails):
    """Send these queued emails now (their ids: ``ids`` in 18.0, ``email_ids`` in 19.0)."""
    key = "email_ids" if ODOO_19 else "ids"
    return mails.env["mail.mail"].process_email_queue(**{key: mails.ids})


def sending_mail_in_tests():
    """In a test, let Odoo really hand emails to a mail server, as it never does in tests.

    18.0 asks ``odoo.modules.module.current_test``; 19.0 asks ``ir.mail_server``'s ``_disable_send``
    and reads ``current_test`` to know that it must not commit the test's transaction.
    """
    if ODOO_19:
        from odoo.addons.base.models.ir_mail_server import IrMail_Server

        return patch.object(IrMail_Server, "_disable_send", return_value=False)
    return patch("odoo.modules.module.current_test", None)
