"""What-ifs (BENCH_ONLY=profile): a page's median with one cost of ours patched away, in this
process only, measured A/B against the page as it is."""

import statistics
import time

import pytz

from odoo import api

from .settings import log, superuser_env


def experiments(profiler, data, name, call):
    """A/B, as it is and patched taking turns, for each patch (and, for the calendar, each variant
    of its template)."""
    memo = {}
    patches = experiment_patches(memo)
    if "calendar" in name:
        patches.update(template_variants(data))
    report = profiler.report
    report.write(
        f"\n\n===== what if, {name}: A/B, as it is and patched taking turns "
        f"({profiler.pairs} pairs after 3 warm-ups each) =====\n"
    )

    def fresh(arg, _call=call):
        memo.clear()
        return _call(arg)

    for label, items in patches.items():
        gone = [attr for owner, attr, _make in items if not hasattr(owner, attr)]
        if gone:
            report.write(f"  (not applicable: {', '.join(gone)} no longer exists)  {label}\n")
            continue
        originals = [(owner, attr, getattr(owner, attr)) for owner, attr, _make in items]
        patched = [(owner, attr, make(getattr(owner, attr))) for owner, attr, make in items]

        def apply(which):
            for owner, attr, value in which:
                setattr(owner, attr, value)

        base, test = [], []
        try:
            for index in range(3 + profiler.pairs):
                for which, times in ((originals, base), (patched, test)):
                    apply(which)
                    t0 = time.perf_counter()
                    fresh(None)
                    if index >= 3:
                        times.append((time.perf_counter() - t0) * 1000)
        except AssertionError as error:  # the patch no longer fits the code (an answer of 500)
            report.write(f"  (failed: {error})  {label}\n")
            continue
        finally:
            apply(originals)
        delta = statistics.median(b - a for a, b in zip(base, test, strict=True))
        line = (
            f"{statistics.median(base):7.1f} -> {statistics.median(test):7.1f} ms, "
            f"paired median {delta:+6.1f} ms  {label}"
        )
        report.write(f"  {line}\n")
        log(f"  what if, {name}: {line}")
    profiler.flush()


def memoized(memo, key_of):
    """make(original) -> the original, its answer kept in ``memo`` under key_of(self, *args)
    (None: not kept)."""

    def make(original):
        def patched(self, *args, **kwargs):
            key = key_of(self, *args, **kwargs)
            if key is None:
                return original(self, *args, **kwargs)
            if key not in memo:
                memo[key] = original(self, *args, **kwargs)
            return memo[key]

        return patched

    return make


def decision_key(per_booking):
    """The memo key of a decision asked without values nor conflicts: per booking, or one for all."""

    def key(self, request_type, values=None, conflicts=None, **_kwargs):
        if values or conflicts is not None:
            return None
        return (self._name, self.id, request_type) if per_booking else request_type

    return key


def experiment_patches(memo):
    """{label: [(owner, attribute, make(original) -> replacement)]}: one cost of ours taken away each."""
    from odoo.addons.booking_change_request.controllers import portal, schedule
    from odoo.addons.booking_change_request.models.booking_request_mixin import BookingRequestMixin
    from odoo.tools.misc import babel_locale_parse, get_lang

    def format_once(original):
        from babel.dates import format_skeleton
        from babel.dates import format_time as babel_time

        def patched(self, value, partner=None, tz=None, **kwargs):
            if not value or not tz:
                return original(self, value, partner, tz, **kwargs)
            if "babel" not in memo:
                memo["babel"] = babel_locale_parse(get_lang(self.env).code)
            locale = memo["babel"]
            local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
            day = format_skeleton("yMMMEd", local, locale=locale)
            hour = babel_time(local, format="short", locale=locale)
            return locale.datetime_formats["medium"].replace("{1}", day).replace("{0}", hour)

        return patched

    patches = {
        "each booking's decisions computed once per request (not again for its pencil)": [
            (BookingRequestMixin, "_booking_decision", memoized(memo, decision_key(per_booking=True))),
        ],
        "no pencil decisions at all (upper bound: pencil always shown)": [
            (portal.BookingPortal, "_booking_has_pencil", lambda original: lambda self, *args: True),
        ],
        "each booking's portal status computed once per request": [
            (
                BookingRequestMixin,
                "_booking_portal_status",
                memoized(memo, lambda self, *a, **k: (self._name, self.id, "status", a)),
            ),
        ],
        "the language's babel locale looked up once per request (times and dates)": [
            (schedule.BookingSchedulePortal, "_babel_locale", memoized(memo, lambda self, *a, **k: "locale")),
            (BookingRequestMixin, "_booking_format_datetime", format_once),
        ],
    }
    patches["all of the above but the pencil bound"] = [
        item for key, items in patches.items() if not key.startswith("no pencil") for item in items
    ]
    models = BookingRequestMixin._booking_models
    patches.update(
        {
            "bound: one decision object for every booking (no policy computed per booking)": [
                (BookingRequestMixin, "_booking_decision", memoized(memo, decision_key(per_booking=False))),
            ],
            "bound: no pending-requests summary (its union query and records)": [
                (portal.BookingPortal, "_booking_pending_summary", lambda original: lambda self, *a: []),
            ],
            "the booking models listed once per request (not by scanning the registry each time)": [
                (
                    BookingRequestMixin,
                    "_booking_models",
                    lambda original: api.model(memoized(memo, lambda self, *a, **k: "models")(models)),
                ),
            ],
        }
    )
    return patches


def template_variants(data):
    """The calendar's template without one of the places where it renders the bookings (the grid,
    the day list or phone agenda, the period list), rendered in place of ours (this process only).
    Variants that leave the template as it is, or as another variant does, are left out."""
    from lxml import etree

    from odoo.http import Request

    xmlid = "booking_change_request.portal_my_bookings_calendar"
    with data.registry.cursor() as cr:
        env = superuser_env(cr)
        original = env.ref(xmlid).arch_db
        variants, seen = {}, {etree.tostring(etree.fromstring(original), encoding="unicode")}
        for label, classes in (
            ("without the phone agenda / day list (.o_booking_agenda)", ["o_booking_agenda"]),
            ("without the period list (.o_booking_calendar_list)", ["o_booking_calendar_list"]),
            ("the grid only", ["o_booking_agenda", "o_booking_calendar_list"]),
            ("without the grid (.o_booking_calendar_grid)", ["o_booking_calendar_grid"]),
        ):
            tree = etree.fromstring(original)
            for css in classes:
                for node in tree.xpath(f"//div[contains(concat(' ', @class, ' '), ' {css} ')]"):
                    node.getparent().remove(node)
            arch = etree.tostring(tree, encoding="unicode")
            if arch in seen:
                continue
            seen.add(arch)
            view = env["ir.ui.view"].create({"name": f"bench: {label}", "type": "qweb", "arch": arch})
            variants[label] = view.id
        cr.commit()

    def substitute(view_id):
        def make(original_render):
            def render(self, template, qcontext=None, lazy=True, **kw):
                if template == xmlid:
                    template = view_id
                return original_render(self, template, qcontext, lazy, **kw)

            return render

        return make

    return {label: [(Request, "render", substitute(view_id))] for label, view_id in variants.items()}
