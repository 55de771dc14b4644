"""Known-good sample for the harness check of make test (see README.md here)."""

from odoo.tests import HttpCase, TransactionCase


class TestSamplePasses(TransactionCase):
    def test_addon_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "booking_change_request")])
        self.assertEqual(module.state, "installed")


class TestSampleHttpPasses(HttpCase):
    def test_server_answers(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
