"""Companies that had the module before the failed-posting queue keep today's behaviour:
a posting that cannot be made stops the operation. New companies queue it."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE res_company SET backflush_blocked_posting = 'stop'")
