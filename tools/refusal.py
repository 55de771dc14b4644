from odoo.exceptions import AccessError, UserError


class BookingRefusal(UserError):
    """The engine refuses a request: a message for the customer and the HTTP status to answer with.

    409: the booking's state or the policy refuses it now (closed window, pending request,
    already decided); 403: the person may not act on it (see BookingForbidden).
    """

    def __init__(self, message, status=409):
        super().__init__(message)
        self.status = status


class BookingForbidden(BookingRefusal, AccessError):
    """The person may not make requests on this booking (an AccessError, answered with 403)."""

    def __init__(self, message):
        super().__init__(message, status=403)
