"""Every public method of the addon, called over JSON-RPC as the web client does, by all but reviewers."""

import inspect
import json
from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_portal import BookingHttpCase

ADDON = "odoo.addons.booking_change_request."
REFUSALS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.addons.booking_change_request.tools.refusal.BookingRefusal",
    "odoo.addons.booking_change_request.tools.refusal.BookingForbidden",
)
WORDS = "PRIVATE: my hearing appointment"
FEE = 37.13
IP = "10.9.8.7"
NO_RECORD = 2**31 - 2  # for models whose records the actors cannot have: a missing id


def public_methods(env):
    """{model: [method]} of every public method the addon defines or overrides."""
    found = {}
    for model_name in env.registry:
        if env[model_name]._abstract:
            continue  # no records to call them on: their methods reach people through the models
        for klass in type(env[model_name]).__mro__:
            if not klass.__module__.startswith(ADDON) or ".tests." in klass.__module__:
                continue
            for name, value in vars(klass).items():
                if not name.startswith("_") and inspect.isfunction(value):
                    found.setdefault(model_name, set()).add(name)
    return {model: sorted(methods) for model, methods in found.items()}


@tagged("post_install", "-at_install")
class TestRpcScan(BookingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.booking_fee_rule_ids = [Command.create({"hours_before": 48, "amount": FEE})]
        cls.customer_c = new_test_user(cls.env, "customer_c", groups="base.group_portal", name="Cora Co")
        cls.visit = cls.make_visit(cls.near)
        cls.visit.partner_ids = [Command.link(cls.customer_c.partner_id.id)]
        cls.order = cls.make_order(cls.near)
        origin = {"reason": WORDS, "requester_ip": IP, "requester_user_agent": "Firefox"}
        cls.requests = cls.visit._booking_request_cancel(cls.partner_a, dict(origin), "email")
        cls.requests |= cls.order._booking_request_cancel(cls.partner_a, dict(origin), "email")
        cls.secrets = [WORDS, IP, str(FEE), "hash="]
        for booking in (cls.visit, cls.order):
            cls.secrets.append(cls.link_params(booking, cls.partner_a)["access_token"])
        cls.secrets.append(cls.order.sudo()._portal_ensure_token())
        _company, other_reviewer = cls.make_other_company()
        cls.actors = {
            "another customer": cls.customer_b,
            "co-customer": cls.customer_c,
            "plain employee": new_test_user(cls.env, "plain_scan", name="Paula Plain"),
            "field worker": cls.worker,
            "salesperson": new_test_user(
                cls.env, "seller_scan", groups="sales_team.group_sale_salesman_all_leads", name="Sid Seller"
            ),
            "other company's reviewer": other_reviewer,
        }

    def calls(self, model, method):
        """The calls to try, as (ids, args): well-formed first, then with wrong values for ours."""
        targets = {
            "booking.change.request": self.requests[:1].ids,
            "calendar.event": self.visit.ids,
            "sale.order": self.order.ids,
            "calendar.attendee": self.visit.attendee_ids[:1].ids,
        }
        ids = targets.get(model, [NO_RECORD])
        start = str(self.far + timedelta(days=1))
        stop = str(self.far + timedelta(days=1, hours=1))
        workers = {"booking_worker_ids": [Command.link(self.worker_2.id)]}
        # Odoo's own methods the addon overrides: only what the addon adds is tried
        orm = {
            ("calendar.event", "create"): [
                ([], [{"name": "x", "start": start, "stop": stop, **workers}]),
            ],
            ("sale.order", "create"): [([], [{"partner_id": self.partner_a.id, **workers}])],
            ("calendar.event", "write"): [(ids, [workers]), (ids, [{"booking_cancelled": True}])],
            ("sale.order", "write"): [(ids, [workers]), (ids, [{"booking_pending_request_id": False}])],
            ("calendar.attendee", "write"): [(ids, [{"state": "declined"}])],
            ("booking.change.request", "create"): [([], [{"request_type": "cancel"}])],
            ("booking.change.request", "write"): [(ids, [{"state": "approved"}])],
            ("calendar.event", "unlink"): [(ids, [])],
            ("booking.change.request", "copy"): [(ids, [])],
            ("booking.change.request", "init"): [(ids, [])],
            ("sale.order", "message_post"): [(ids, [])],
            **{
                (wizard, "default_get"): [([], [["fee_amount", "request_id"]])]
                for wizard in ("booking.cancel.wizard", "booking.deny.wizard", "booking.time.wizard")
            },
        }
        if (model, method) in orm:
            return orm[model, method]
        well_formed = {
            ("booking.change.request", "action_propose"): [(ids, [[(start, stop)]])],
            ("booking.change.request", "action_deny"): [(ids, ["no"])],
        }.get((model, method), [(ids, [])])
        return [*well_formed, ([NO_RECORD], well_formed[0][1]), *self.malformed(model, method, ids)]

    def malformed(self, model, method, ids):
        """Each argument of the method given a wrong kind of value."""
        function = getattr(type(self.env[model]), method)
        arguments = [
            parameter
            for parameter in list(inspect.signature(function).parameters.values())[1:]
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        ]
        return [
            (ids, [wrong] * len(arguments))
            for wrong in ("bogus", [["x", 1]], {"a": 1}, 10**12, None)
            if arguments
        ]

    def call_kw(self, model, method, ids, args):
        function = getattr(type(self.env[model]), method)
        # api.model methods take no ids (18.0 marks them with _api, 19.0 with _api_model)
        on_model = getattr(function, "_api", None) in ("model", "model_create") or getattr(
            function, "_api_model", False
        )
        params = {
            "model": model,
            "method": method,
            "args": args if on_model else [ids, *args],
            "kwargs": {"context": {"active_model": "calendar.event", "active_id": self.visit.id}},
        }
        if method == "message_post":
            params["kwargs"]["body"] = "hello"
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def state(self):
        self.env.invalidate_all()
        return (
            self.requests.mapped("state"),
            [b._booking_is_cancelled() for b in (self.visit, self.order)],
            self.visit.booking_worker_ids | self.order.booking_worker_ids,
            len(self.env["account.move"].search([])),
        )

    def test_every_public_method_as_every_actor(self):
        """Each call refuses with an access or user error, or answers nothing secret; no traceback."""
        methods = public_methods(self.env)
        self.assertIn("action_propose", methods["booking.change.request"])
        self.assertIn("action_booking_cancel", methods["sale.order"])
        before = self.state()
        answered = 0
        with self.assertNoLogs("odoo.http", "ERROR"):
            for who, user in self.actors.items():
                self.login(user)
                for model, names in methods.items():
                    for method in names:
                        for ids, args in self.calls(model, method):
                            with self.subTest(who=who, model=model, method=method, args=args):
                                answer = self.call_kw(model, method, ids, args)
                                if "error" in answer:
                                    self.assertIn(answer["error"]["data"]["name"], REFUSALS)
                                    continue
                                answered += 1
                                text = json.dumps(answer["result"], default=str)
                                for secret in self.secrets:
                                    self.assertNotIn(secret, text)
        self.assertGreater(answered, 0, "some calls are harmless and answered")
        self.assertEqual(self.state(), before)
