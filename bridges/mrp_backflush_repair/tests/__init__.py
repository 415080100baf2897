from . import test_repair_rework
