from . import (
    test_approval,
    test_concurrency,
    test_fees,
    test_install,
    test_mail_outage,
    test_notifications,
    test_policy,
    test_portal,
    test_portal_performance,
    test_portal_tours,
    test_security,
)
