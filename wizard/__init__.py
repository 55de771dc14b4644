from . import booking_cancel_wizard, booking_deny_wizard, booking_time_wizard
