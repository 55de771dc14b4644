"""Deliberately failing sample for the harness check of make test (see README.md here):
a loop that reports this as passed would hide every real failure."""

from odoo.tests import TransactionCase


class TestSampleFails(TransactionCase):
    def test_deliberately_fails(self):
        module = self.env["ir.module.module"].search([("name", "=", "booking_change_request")])
        self.assertEqual(module.state, "uninstalled", "deliberate failure: the harness must report it")
