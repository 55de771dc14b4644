from . import (
    test_approval,
    test_concurrency,
    test_fees,
    test_install,
    test_notifications,
    test_policy,
    test_security,
)
