{
    "name": "Booking Change Requests: a third kind (tests only)",
    "summary": "A test appointment served by the booking engine: the README's third-kind recipe, proven",
    "version": "1.0.0",
    "category": "Hidden/Tests",
    "license": "LGPL-3",
    "author": "Booking Change Request Authors",
    "website": "https://github.com/booking-change-request/booking_change_request",
    "maintainers": ["booking-change-request"],
    "depends": ["booking_change_request"],
    "data": [
        "security/ir.model.access.csv",
        "security/booking_test_appointment_security.xml",
        "views/booking_test_appointment_views.xml",
    ],
    "installable": True,
    "application": False,
}
