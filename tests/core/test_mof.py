"""MOF class derivation: the rule, and real Model Openness Tool component lists in the catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.core.catalog import load_catalog
from tui.core.mof import CLASS_I, CLASS_II, CLASS_III, derive_mof_class, is_open_license
from tui.core.resources import catalog_root
from tui.core.schema import MofComponent, MofEvidence


def evidence(names, license="Apache-2.0", **overrides):
    comps = [MofComponent(name=n, license=overrides.get(n, license)) for n in names]
    return MofEvidence(source="https://example.org/mot", as_of=dt.date(2025, 1, 1), components=comps)


@pytest.mark.parametrize(
    "names, overrides, expected",
    [
        (CLASS_III, {}, 3),
        (CLASS_III + CLASS_II, {}, 2),
        (CLASS_III + CLASS_II + CLASS_I, {}, 1),
        (CLASS_III[:-1], {}, None),
        (CLASS_III + CLASS_II + CLASS_I, {"Training code": "unlicensed"}, 3),
        (CLASS_III + CLASS_II, {"Model parameters (Final)": "LicenseRef-Llama-2-Community"}, None),
        # a research paper stands in for the technical report
        ((*tuple(n for n in CLASS_III if n != "Technical report"), "Research paper"), {}, 3),
        (CLASS_III + CLASS_II + CLASS_I, {"Datasets": "CC-BY-NC-4.0"}, 2),
    ],
)
def test_rule(names, overrides, expected):
    assert derive_mof_class(evidence(names, **overrides)).mof_class == expected


def test_missing_components_are_named():
    result = derive_mof_class(evidence(CLASS_III + CLASS_II, **{"Evaluation code": "unlicensed"}))
    assert result.mof_class == 3
    assert "Evaluation code (licence unlicensed is not open)" in result.missing_for_next
    assert result.label == "Class III (Open Model) (derived)"


@pytest.mark.parametrize(
    "spdx, ok",
    [
        ("Apache-2.0", True),
        ("MIT", True),
        ("CC-BY-4.0", True),
        ("CC0-1.0", True),
        ("ODC-By-1.0", True),
        ("CDLA-Permissive-2.0", True),
        ("OpenMDW-1.0", True),
        ("CC-BY-NC-4.0", False),
        ("LicenseRef-Llama-3.1-Community", False),
        ("unlicensed", False),
        ("", False),
    ],
)
def test_open_licences(spdx, ok):
    assert is_open_license(spdx) is ok


def test_real_mot_entries_in_the_catalogue_derive_consistently():
    """Every bundled [mof] block comes from a Model Openness Tool file; check known cases."""
    catalog = load_catalog(catalog_root())
    derived = {e.id: derive_mof_class(e.mof) for e in catalog.entries if e.mof}
    assert len(derived) >= 5
    for model_id, result in derived.items():
        assert result.source.startswith("https://github.com/lfai/model_openness_tool/")
        # a class is only claimed when every required component is present and open
        entry = catalog.by_id[model_id]
        names = {c.name for c in entry.mof.components if is_open_license(c.license)}
        if result.mof_class == 1:
            assert set(CLASS_I) <= names
    # OLMo 7B releases data, code, checkpoints and paper under open licences: Class I
    if "olmo-7b" in derived:
        assert derived["olmo-7b"].mof_class == 1
    # Llama-family weights are under a custom community licence, which is not open
    for model_id, result in derived.items():
        if catalog.by_id[model_id].license.id.startswith("LicenseRef-Llama"):
            assert result.mof_class is None
