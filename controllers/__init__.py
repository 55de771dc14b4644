from . import calendar, portal, schedule, waitlist
