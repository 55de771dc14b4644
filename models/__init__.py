from . import (
    booking_cancel_reason,
    booking_cancellation_fee_rule,
    booking_change_request,
    booking_request_mixin,
    calendar_attendee,
    calendar_event,
    mail_mail,
    res_company,
    res_config_settings,
    res_users,
    sale_order,
)
