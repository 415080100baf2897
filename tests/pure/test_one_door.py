"""The shell reaches the core through the costing package only: ruff's TID251 refuses an
import of any of its modules, which holds only while pyproject.toml names each one."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_core_module_is_behind_the_one_door():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    banned = settings["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    modules = sorted(p.stem for p in (ROOT / "costing").glob("*.py") if p.stem != "__init__")
    missing = [
        f"{prefix}.costing.{module}"
        for module in modules
        for prefix in ("mrp_backflush", "odoo.addons.mrp_backflush")
        if f"{prefix}.costing.{module}" not in banned
    ]
    assert modules and not missing, f"pyproject.toml does not ban importing {missing}"
