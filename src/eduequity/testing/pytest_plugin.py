"""eduequity's pytest plugin, registered through the ``pytest11`` entry point ``eduequity``.

Installed with eduequity, so a plugin's own test suite gets, with no conftest:

``eduequity_registry``
    a factory of isolated registries: ``eduequity_registry(my_plugin)`` is the
    built-ins plus ``my_plugin``, with no installed plugin loaded;
    ``eduequity_registry(my_plugin, as_default=True)`` also makes it what
    ``ee.registry()`` returns (and so what ``ee.evaluate``/``ee.render`` use
    without ``registry=``) until the test ends.
``eduequity_conformance``
    the conformance check, ``eduequity_conformance(my_plugin)`` (also
    importable: ``from eduequity.testing import check_plugin``).

and the Hypothesis profiles ``ci``, ``dev`` and ``thorough`` are registered
(as soon as the session uses Hypothesis), so ``pytest --hypothesis-profile=thorough``
works. A profile is loaded by this
plugin only when ``EDUEQUITY_HYPOTHESIS_PROFILE`` names one (and no
``--hypothesis-profile`` is given); to pick ``ci`` whenever ``$CI`` is set, as
eduequity's own suite does, call ``eduequity.testing.load_profile()`` in your
conftest.py. The plugin does not change the settings of projects that merely
have eduequity installed.

Importing this module is cheap: Hypothesis, pandas, pint and the conformance
machinery load on first use.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from . import PROFILE_ENV, load_profile, register_profiles

__all__ = ["check_plugin", "eduequity_conformance", "eduequity_registry"]

if "hypothesis" in sys.modules:  # already paid for: make the profiles available to conftest files
    register_profiles()


@pytest.hookimpl(tryfirst=True)  # before Hypothesis' own plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("hypothesis_profile", default=None)
    wanted = os.environ.get(PROFILE_ENV, "").strip()
    # Importing Hypothesis costs ~0.1 s: only a session that uses it pays.
    if given or wanted or "hypothesis" in sys.modules:
        register_profiles()
    if wanted and not given:
        load_profile()


def pytest_sessionstart(session: pytest.Session) -> None:
    if "hypothesis" in sys.modules:  # a conftest imported it: tests may name the profiles
        register_profiles()


def pytest_report_header(config: pytest.Config) -> str | None:
    if "hypothesis" not in sys.modules:
        return None
    from hypothesis import settings

    current = getattr(settings, "get_current_profile_name", None)
    name = current() if current else getattr(settings, "_current_profile", "?")
    return f"eduequity: hypothesis profile {name!r}"


@pytest.fixture
def eduequity_registry() -> Iterator[Callable[..., Any]]:
    """A factory of isolated registries: ``eduequity_registry(*plugins, entry_points=False, as_default=False)``.

    ``entry_points=True`` loads installed plugins too. ``as_default=True``
    makes the registry the one ``ee.registry()`` returns for the rest of the
    test; the cached default is restored afterwards.
    """
    from ..core.registry import Registry, use

    saved: list[Registry | None] = []  # the default before the first as_default

    def make(*plugins: Any, entry_points: bool = False, as_default: bool = False) -> Any:
        reg = Registry(plugins, entry_points=entry_points)
        if as_default:
            previous = use(reg)
            if not saved:
                saved.append(previous)
        return reg

    yield make
    if saved:
        use(saved[0])


@pytest.fixture
def eduequity_conformance() -> Callable[..., Any]:
    """The conformance check: ``eduequity_conformance(plugin, **options)``; see ``check_plugin``."""
    from .conformance import check_plugin

    return check_plugin


def __getattr__(name: str) -> Any:
    if name == "check_plugin":
        from .conformance import check_plugin

        return check_plugin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
