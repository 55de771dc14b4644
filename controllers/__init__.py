from . import portal, schedule
