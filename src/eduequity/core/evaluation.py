"""``Evaluation``: the verdicts of one standard on one dataset, with the evidence.

Frames (api.md): counties (year, county, level), verdicts (year, county),
indicators (… , indicator), schools (… , school_id, indicator), targets
(target, year, county[, level]) and excluded (input rows not evaluated, with
the reason). ``input_rows`` and ``evaluated_rows`` make the accounting
checkable: nothing vanishes.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pandas as pd

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from . import warnings as _warnings
from .serialise import converter, frame_from_data, frame_to_data
from .standards import Standard


@attrs.frozen(eq=False)
class Evaluation:
    """The verdicts of one standard on one dataset, with the evidence behind each.

    What ``ee.evaluate`` returns. Each frame is a pandas DataFrame; ``passed`` is
    three-valued (True, False, ``<NA>``) and ``status`` one of ``met``,
    ``not met``, ``pending``, ``not assessable``:

    - ``verdicts`` — one row per (year, county): the overall verdict over every
      criterion of the standard, with its ``reasons``;
    - ``counties`` — one row per (year, county, level): schools, students, the
      level's verdict (basic balance adds ``composite_cv`` and ``composite_limit``);
    - ``indicators`` — one row per (year, county, level, indicator): the
      enrollment-weighted ``mean``, the ``cv``, its ``limit`` (NaN where the
      indicator has no limit of its own) and ``passed``;
    - ``schools`` — one row per (year, county, level, school_id, indicator) of
      the school-threshold rules: ``value``, ``threshold``, ``met`` (built when
      first read);
    - ``targets`` — one row per (target, year, county[, level]) of the metric
      targets: ``metric``, ``value``, ``op``, ``required``, ``status``;
    - ``excluded`` — the input rows not evaluated, with the ``reason``;
    - ``warnings`` — what is worth a look but blocks nothing (what, where, message).

    ``input_rows`` and ``evaluated_rows`` make the accounting checkable:
    ``evaluated_rows + len(excluded) == input_rows``. ``standard`` is the
    standard judged (after any ``ee.override``) and ``versions`` the package
    versions that produced the result. ``ee.converter`` turns an evaluation into
    JSON-ready data and back, without ``sections``.
    """

    standard: Standard
    counties: pd.DataFrame
    verdicts: pd.DataFrame
    indicators: pd.DataFrame
    # The per-school evidence, or a function building it: nationally 22 million rows,
    # built on first access of ``schools`` (callers who never read it never pay for it).
    _schools: pd.DataFrame | Callable[[], pd.DataFrame] = attrs.field(alias="schools", repr=False)
    targets: pd.DataFrame
    excluded: pd.DataFrame
    input_rows: int
    evaluated_rows: int
    versions: dict[str, str] = attrs.Factory(dict)
    #: What is worth a look but blocks nothing (what, where, message); see ``core/warnings.py``.
    warnings: pd.DataFrame = attrs.Factory(lambda: _warnings.frame(()))
    # The canonical school sections judged (after the standard's scope), kept so that
    # ``ee.explain`` and ``ee.remedy`` can go back to each school. Not part of the JSON:
    # an evaluation loaded from JSON has none, and those take ``frame=`` instead.
    _sections: pd.DataFrame | None = attrs.field(default=None, alias="sections", repr=False)

    FRAMES = ("verdicts", "counties", "indicators", "schools", "targets", "excluded")

    @property
    def schools(self) -> pd.DataFrame:
        """One row per (year, county, level, school_id, indicator) of the school-threshold rules."""
        if callable(self._schools):
            object.__setattr__(self, "_schools", self._schools())  # built once, then kept
        return self._schools

    @property
    def sections(self) -> pd.DataFrame | None:
        """The canonical school sections judged (the standard's scope applied), or None when
        the evaluation was loaded from JSON."""
        return self._sections

    @property
    def passed(self) -> pd.Series:
        """The overall verdict per (year, county), as a Series for quick looks."""
        return self.verdicts.set_index(["year", "county"])["passed"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return (self.standard == other.standard and self.input_rows == other.input_rows
                and self.evaluated_rows == other.evaluated_rows and self.versions == other.versions
                and all(getattr(self, f).equals(getattr(other, f)) for f in (*self.FRAMES, "warnings")))

    def __repr__(self) -> str:
        v = {k: n for k, n in self.verdicts["status"].value_counts(sort=False).items() if n}
        return (f"<Evaluation {self.standard.id}: {len(self.verdicts)} county-years "
                f"{v}, {self.evaluated_rows}/{self.input_rows} rows evaluated>")


# An Evaluation keeps its school evidence as ``_schools`` (built on demand); its data says ``schools``.
converter.register_unstructure_hook(Evaluation, make_dict_unstructure_fn(
    Evaluation, converter, _schools=override(rename="schools", unstruct_hook=lambda v: frame_to_data(
        v() if callable(v) else v)), _sections=override(omit=True)))
converter.register_structure_hook(Evaluation, make_dict_structure_fn(
    Evaluation, converter, _cattrs_forbid_extra_keys=True,
    _schools=override(rename="schools", struct_hook=lambda d, _: frame_from_data(d)), _sections=override(omit=True)))
