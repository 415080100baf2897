"""Write Odoo's requirements.txt with the pins that have no wheel on Python 3.11 replaced.

Odoo 18.0 pins the versions of Ubuntu 22.04/24.04 and Debian 12.  A few of them
were never published as wheels for CPython 3.11 (they only build from source
with system headers), so a plain ``pip install -r requirements.txt`` fails on a
fresh machine.  This script reads the requirements of the Odoo source the user
points us at and replaces those pins with the nearest releases that ship
wheels.  Everything else keeps Odoo's own pin.

Usage: python tools/odoo_requirements.py ODOO_SRC/requirements.txt > out.txt
"""

import re
import sys

# name -> replacement requirement line (None drops the package)
WHEEL_PINS_PY311 = {
    "cbor2": "cbor2==5.4.6",
    "psycopg2": "psycopg2-binary==2.9.9",
    # python-ldap only serves the optional auth_ldap addon and has no wheel.
    "python-ldap": None,
}


def _package_name(line):
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)", line)
    return match.group(1).lower() if match else None


def rewrite(lines):
    seen = set()
    for line in lines:
        name = _package_name(line)
        if name not in WHEEL_PINS_PY311:
            yield line.rstrip("\n")
            continue
        replacement = WHEEL_PINS_PY311[name]
        if replacement and name not in seen:
            yield replacement
        seen.add(name)


def main(argv):
    with open(argv[1], encoding="utf-8") as requirements:
        for line in rewrite(requirements):
            print(line)


if __name__ == "__main__":
    main(sys.argv)
