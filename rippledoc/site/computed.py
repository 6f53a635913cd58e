"""The computations other modules own (due items, the daily plan, research notes, rituals, metrics).

Each is looked up when the site is built. While a module is not part of this
installation, or when it fails, the result is ``Missing(reason)``: the page
shows a clear "not available" section, the build says why, and every other
page still builds.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Missing:
    reason: str

    def __bool__(self) -> bool:
        return False


def call(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """``rippledoc.views.MODULE.NAME(*args, **kwargs)``, or ``Missing`` saying why not."""
    try:
        fn = getattr(importlib.import_module(f"rippledoc.views.{module}"), name)
    except ImportError:
        return Missing(f"rippledoc.views.{module} is not available in this installation")
    except AttributeError:
        return Missing(f"rippledoc.views.{module} has no {name}()")
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # another module's bug must not take the whole site down
        return Missing(f"rippledoc.views.{module}.{name}() failed: {type(exc).__name__}: {exc}")


def available(value: Any) -> bool:
    return not isinstance(value, Missing)
