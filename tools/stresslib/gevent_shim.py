"""Stand-ins for gevent's requirements, for the server tools/stress starts."""

import contextlib
import importlib.metadata
import sys
from pathlib import Path


def gevent_shim(directory):
    """Egg-info stand-ins for gevent's requirements that pkg_resources cannot see.

    Odoo's prefork server starts a gevent process; gevent's plugin loading resolves its
    requirements with pkg_resources, and an old setuptools does not recognise the
    normalised names of newer wheels (zope_interface-*.dist-info), so that process dies
    at start and is respawned every second, burning a core. The stand-ins, put on the
    server's PYTHONPATH, only name what is already installed."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pkg_resources
        except ImportError:
            return  # gevent then finds its plugins without it

    missing = []
    for requirement in importlib.metadata.requires("gevent") or []:
        name = requirement.split(";")[0].split("[")[0].split()[0]
        for op in "<>=!~":
            name = name.split(op)[0]
        if ";" in requirement and "extra" in requirement.split(";", 1)[1]:
            continue
        try:
            pkg_resources.get_distribution(name)
        except pkg_resources.DistributionNotFound:
            with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                missing.append((name, importlib.metadata.version(name)))
    for name, version in missing:
        egg = Path(directory) / f"{name}.egg-info"
        egg.mkdir(parents=True, exist_ok=True)
        (egg / "PKG-INFO").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
    if missing:
        names = ", ".join(f"{name} {version}" for name, version in missing)
        print(
            f"warning: pkg_resources of this venv cannot see {names} (installed): Odoo's "
            "gevent process would crash at every start; the server gets stand-ins for them "
            "(upgrading setuptools in the venv fixes it)",
            file=sys.stderr,
        )
