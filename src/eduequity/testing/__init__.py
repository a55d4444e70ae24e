"""The testing kit: Hypothesis strategies, a conformance check for plugins, Hypothesis profiles.

For people who add a province or a city: they write rules, not statistics
code, and prove in CI that their plugin is well-formed and that evaluations
behave::

    from eduequity.testing import check_plugin
    import eduequity_myprovince

    def test_my_plugin_conforms():
        check_plugin(eduequity_myprovince)      # raises ConformanceError listing every problem

- ``eduequity.testing.strategies`` — ``school_frames()``, ``whole_school_frames()``,
  ``metrics_frames()``, ``recognitions()``, ``overrides()``;
- ``eduequity.testing.conformance`` — ``check_plugin`` / ``conformance_failures``, and
  ``DOCUMENT_NUMBER``, the pattern of a document number the ``sources`` check applies;
- ``eduequity.testing.commitments`` — ``commitment_failures``: the README's table of a
  plan's commitments names every criterion of the plugin's standards, and only those;
- ``eduequity.testing.pytest_plugin`` — registered with pytest (entry point
  ``pytest11``) when eduequity is installed: fixtures ``eduequity_registry``
  (isolated registries) and ``eduequity_conformance``, and the Hypothesis
  profiles below;
- Hypothesis profiles ``ci`` (bounded and reproducible), ``dev`` (the same
  budget, random, with the example database) and ``thorough`` (many more
  examples): ``load_profile()`` picks one from the environment.

Nothing here is imported by ``import eduequity``; this package imports
Hypothesis, and pandas only when a strategy or a check is used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DOCUMENT_NUMBER",
    "PROFILE_ENV",
    "PROFILES",
    "ConformanceError",
    "Failure",
    "check_plugin",
    "commitment_failures",
    "conformance_failures",
    "load_profile",
    "profile_name",
    "register_profiles",
    "strategies",
]

#: Environment variable naming the Hypothesis profile to load (``ci``, ``dev``, ``thorough``).
PROFILE_ENV = "EDUEQUITY_HYPOTHESIS_PROFILE"

#: Hypothesis settings of each profile. ``ci`` is bounded for a 2-core CI machine and
#: reproducible (derandomized, no example database); ``dev`` has the same budget but
#: explores new examples on each run and remembers failures; ``thorough`` is for a
#: long local run before a release. No deadline anywhere: one evaluation takes tens
#: of milliseconds, more on a busy CI machine, and a timing flake is not a bug.
PROFILES: Mapping[str, Mapping[str, Any]] = {
    "ci": {"max_examples": 20, "deadline": None, "derandomize": True, "database": None, "print_blob": True},
    "dev": {"max_examples": 20, "deadline": None},
    "thorough": {"max_examples": 500, "deadline": None},
}


def register_profiles() -> None:
    """Register the profiles of ``PROFILES`` with Hypothesis (idempotent)."""
    from hypothesis import HealthCheck, settings

    for name, values in PROFILES.items():
        settings.register_profile(name, suppress_health_check=[HealthCheck.too_slow], **values)


def profile_name(environ: Mapping[str, str] | None = None) -> str:
    """The profile the environment asks for: ``$EDUEQUITY_HYPOTHESIS_PROFILE``, else ``ci`` when
    ``$CI`` is set (as CI services do), else ``dev``."""
    env = os.environ if environ is None else environ
    return env.get(PROFILE_ENV, "").strip() or ("ci" if env.get("CI", "").strip() else "dev")


def load_profile(name: str | None = None) -> str:
    """Register the profiles and load ``name`` (default: ``profile_name()``); returns the name.

    With pytest, ``--hypothesis-profile=thorough`` still wins: Hypothesis' own
    plugin loads it after conftest files are imported.
    """
    from hypothesis import settings

    register_profiles()
    name = name or profile_name()
    settings.load_profile(name)
    return name


_LAZY = {
    "DOCUMENT_NUMBER": "eduequity.testing.conformance",
    "check_plugin": "eduequity.testing.conformance",
    "commitment_failures": "eduequity.testing.commitments",
    "conformance_failures": "eduequity.testing.conformance",
    "ConformanceError": "eduequity.testing.conformance",
    "Failure": "eduequity.testing.conformance",
    "strategies": "eduequity.testing.strategies",
}


def __getattr__(name: str) -> Any:
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'eduequity.testing' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if module.endswith(name) else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
