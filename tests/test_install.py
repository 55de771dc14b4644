from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_installed(self):
        """The addon is installed with all its dependencies."""
        module = self.env["ir.module.module"].search([("name", "=", "booking_change_request")])
        self.assertEqual(module.state, "installed")
        deps = module.dependencies_id.mapped("name")
        self.assertEqual(set(deps), {"portal", "mail", "bus", "calendar", "sale_management", "account"})
