"""Make the pure core importable as top-level ``costing``, without Odoo.

The addon root is put on sys.path so that ``import costing`` works.  The addon root and
``tests/`` are Python packages whose ``__init__.py`` import Odoo; pytest would collect
them as packages and import those files, so they are collected as plain directories.
"""

import sys
from pathlib import Path

import pytest
from hypothesis import settings

PURE_TESTS = Path(__file__).resolve().parent
ADDON_ROOT = PURE_TESTS.parents[1]
ODOO_PACKAGES = {ADDON_ROOT, PURE_TESTS.parent}

if str(ADDON_ROOT) not in sys.path:
    sys.path.insert(0, str(ADDON_ROOT))

# No deadline: timing-based failures on a slow CI machine say nothing about the core.
settings.register_profile("mrp_backflush_pure", deadline=None)
settings.load_profile("mrp_backflush_pure")


class _OdooPackagesAsPlainDirectories:
    @pytest.hookimpl(tryfirst=True)
    def pytest_collect_directory(self, path, parent):
        if Path(path).resolve() in ODOO_PACKAGES:
            return pytest.Dir.from_parent(parent, path=path)
        return None


def pytest_configure(config):
    # A plugin, not a conftest hook: a conftest's own hooks do not reach its parent dirs.
    config.pluginmanager.register(_OdooPackagesAsPlainDirectories(), "mrp_backflush_pure")
