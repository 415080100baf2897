from . import mrp_backflush_books
from . import mrp_backflush_posting
from . import mrp_backflush_posting_path
from . import mrp_backflush_queue
from . import mrp_backflush_readiness
from . import repair_order
from . import stock_move
