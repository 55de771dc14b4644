from odoo import api, models

from ..tools.compat import ODOO_19

REVIEWER_PRIVILEGE = "booking_change_request.res_groups_privilege_booking"


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def _booking_place_reviewer_group(self):
        """Show the reviewer group under Sales on a user's form (run by the security data file).

        18.0 files a group under a category; 19.0 under a privilege (``privilege_id``), which
        has the category: the addon's own, made here with its XML id (so that an update keeps
        it and an uninstall removes it), since 18.0 has no such model for a data file to name.
        """
        group = self.env.ref("booking_change_request.group_booking_reviewer")
        if not ODOO_19:
            group.category_id = self.env.ref("base.module_category_sales_sales")
            return
        privilege = self.env["res.groups.privilege"]._load_records(
            [
                {
                    "xml_id": REVIEWER_PRIVILEGE,
                    "values": {
                        "name": "Booking requests",
                        "category_id": self.env.ref("base.module_category_sales").id,
                    },
                }
            ]
        )
        group.privilege_id = privilege
