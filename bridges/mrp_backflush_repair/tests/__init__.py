from . import test_repair_rework
from . import test_tour_repair
