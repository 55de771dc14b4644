from . import calendar, portal, schedule
