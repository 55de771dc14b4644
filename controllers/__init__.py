from . import calendar, portal, portal_ics, schedule, waitlist
