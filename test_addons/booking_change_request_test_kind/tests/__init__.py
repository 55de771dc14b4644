from . import test_third_kind
