"""The Python side of tools/stress: what its drivers (tools/stress.py, the stress tier;
tools/attack.py, the attack tier; tools/bench_concurrency.py, the concurrency
benchmark) share to drive a real multi-worker Odoo server over XML-RPC.

client: the XML-RPC client, the outcome of a call, the driver's context and command
line; race: concurrent clients and their tally; plant: the set-up as admin;
invariants: the whole-database SQL checks; serverlog: the server's log read after a
run; report: the stress tier's table and every driver's closing lines; tier: the
stress tier's run; scenarios/: its scenarios; attack/: the attack tier's roles, set-up,
attempts and checks; gevent_shim: stand-ins the server's gevent process needs.

Named stresslib, not stress: tools/stress is the shell script that starts the server
and runs the drivers, so no folder can take that name beside it.
"""
