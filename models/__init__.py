# A model is defined before the models that inherit or extend it: the order matters.
# isort: skip_file
from . import (
    booking_signed_mail,
    account_move,
    booking_cancel_reason,
    booking_cancellation_fee_rule,
    booking_change_proposal,
    booking_change_request,
    booking_change_request_money,
    booking_request_mixin,
    booking_links,
    booking_request_money,
    booking_schedule,
    booking_time_block,
    calendar_attendee,
    calendar_event,
    mail_mail,
    res_company,
    res_config_settings,
    res_groups,
    res_users,
    sale_order,
)
