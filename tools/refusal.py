from odoo.exceptions import UserError


class BookingRefusal(UserError):
    """The engine refuses a request: a message for the customer and the HTTP status to answer with.

    409: the booking's state or the policy refuses it now (closed window, pending request,
    already decided); 403: the person may not act on it.
    """

    def __init__(self, message, status=409):
        super().__init__(message)
        self.status = status
