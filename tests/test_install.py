from odoo.tests import TransactionCase, tagged

MODELS = (
    "booking.change.request",
    "booking.cancel.reason",
    "booking.cancellation.fee.rule",
    "booking.request.mixin",
    "booking.cancel.wizard",
    "booking.deny.wizard",
    "booking.waitlist",
    "booking.waitlist.offer",
)


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The module installs with its models, menus, views and data."""

    def test_module_installed(self):
        """The addon is installed with exactly its declared dependencies."""
        module = self.env["ir.module.module"].search([("name", "=", "booking_change_request")])
        self.assertEqual(module.state, "installed")
        deps = module.dependencies_id.mapped("name")
        self.assertEqual(
            set(deps), {"portal", "mail", "bus", "calendar", "resource", "sale_management", "account"}
        )

    def test_models_loaded(self):
        """Every model is registered, and both booking kinds carry the mixin's fields."""
        for model in MODELS:
            self.assertIn(model, self.env)
        for model in ("calendar.event", "sale.order"):
            for field in ("booking_request_ids", "booking_pending_request_id", "booking_worker_ids"):
                self.assertIn(field, self.env[model]._fields, f"{model}.{field}")

    def test_menus_and_actions_load(self):
        """Each menu of the addon opens an action whose views load for an administrator."""
        menus = (
            self.env["ir.ui.menu"]
            .search([])
            .filtered(lambda m: m.get_external_id()[m.id].startswith("booking_change_request."))
        )
        self.assertEqual(len(menus), 9)
        for menu in menus:
            action = menu.action
            self.assertTrue(action, menu.name)
            views = [(False, mode) for mode in action.view_mode.split(",")]
            self.env[action.res_model].get_views([*views, (False, "search")])

    def test_extended_views_load(self):
        """The inherited forms of visits, orders and settings still load."""
        for model in ("calendar.event", "sale.order", "res.config.settings"):
            arch = self.env[model].get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertIn("booking", arch)

    def test_default_data(self):
        """Reasons, the fee product, the sequence, templates and crons are there."""
        self.assertGreaterEqual(self.env["booking.cancel.reason"].search_count([]), 5)
        self.assertEqual(self.env.ref("booking_change_request.product_booking_fee").type, "service")
        self.assertTrue(self.env["ir.sequence"].next_by_code("booking.change.request").startswith("BCR/"))
        for xmlid in (
            "mail_template_request_received",
            "mail_template_request_approved",
            "mail_template_request_denied",
            "mail_template_booking_cancelled_by_staff",
            "mail_template_booking_order_reminder",
            "mail_template_booking_changed_by_staff",
            "mail_template_request_proposal",
            "mail_template_request_undone",
            "ir_cron_booking_request_expire",
            "ir_cron_booking_order_reminder",
            "action_booking_change_request_approve",
            "mail_template_waitlist_joined",
            "mail_template_waitlist_offer",
            "mail_template_waitlist_offer_lost",
            "ir_cron_booking_waitlist_expire",
        ):
            self.assertTrue(self.env.ref(f"booking_change_request.{xmlid}"))

    def test_company_columns_accept_a_company_made_without_them(self):
        """Odoo's own tests create companies before our fields load: none of our columns may be NOT NULL."""
        self.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'res_company' AND column_name LIKE 'booking%%' AND is_nullable = 'NO'"""
        )
        self.assertEqual(self.env.cr.fetchall(), [])
