from . import booking_change_request, booking_test_appointment
