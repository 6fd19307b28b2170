"""`dixagen diff`: what a change to a spec does to the clients of its API and to
the generated Python package, compared on the normalized IR.

`diff_apis` is the whole comparison; `report` formats its result and `command`
is the command line.
"""

from __future__ import annotations

from ..ir.model import Api
from .compare import Differ
from .model import KINDS, Change, Kind, Report, SpecInfo
from .operations import diff_operations
from .verdict import Bump, bump, python_losses
from .webhooks import diff_webhooks

__all__ = ["KINDS", "Bump", "Change", "Kind", "Report", "SpecInfo", "bump", "diff_apis"]


def diff_apis(
    old: Api, new: Api, *, old_package: str = "api", new_package: str = "api", strip: tuple[str, ...] = ()
) -> list[Change]:
    """Every change from `old` to `new`, most severe first. `strip` lists path
    prefixes ignored when matching operations (`/v1`, `/beta`); the packages
    name the generated modules in the Python consequences. Any name of the
    generated Python API that goes without a breaking change saying so is
    reported on its own (`verdict.python_losses`)."""
    differ = Differ(old, new, old_package=old_package, new_package=new_package, strip=strip)
    diff_operations(differ)
    diff_webhooks(differ)
    differ.unreached_components()
    changes = differ.finish()
    return python_losses(old, new, old_package, new_package, changes) + changes
