"""Derive the Model Openness Framework (MOF) class from a release's component list.

The rule, as the Model Openness Tool (lfai/model_openness_tool) applies it to MOF 1.0
(2024-12-15): a class is met when every required component of that class, and of every
less open class, is released under an open licence. Class III (Open Model) is the
entry level, Class II (Open Tooling) adds tooling, Class I (Open Science) adds data
and research artefacts. A research paper may stand in for the technical report.
A licence counts as open when it is OSI-approved or FSF-libre, an open-data licence
(CC0, CC-BY, CC-BY-SA, CDLA, ODC, ODbL, PDDL, GFDL-1.3, OGL) or OpenMDW-1.0. A missing
licence ("unlicensed") is not open.

The result is always labelled *derived*: shortlist computes it from the cited component
list; it is not an official MOT classification.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.schema import MofEvidence

CLASS_III = (
    "Model architecture",
    "Model parameters (Final)",
    "Model card",
    "Data card",
    "Technical report",
    "Evaluation results",
)
CLASS_II = ("Training code", "Inference code", "Evaluation code", "Evaluation data")
CLASS_I = ("Datasets", "Data preprocessing code", "Model parameters (Intermediate)", "Research paper")
REQUIRED = {3: CLASS_III, 2: CLASS_III + CLASS_II, 1: CLASS_III + CLASS_II + CLASS_I}
"""Cumulative required components for each class (1 is the most open)."""

CLASS_NAMES = {1: "Class I (Open Science)", 2: "Class II (Open Tooling)", 3: "Class III (Open Model)"}
ROMAN = {1: "I", 2: "II", 3: "III"}

# SPDX ids marked OSI-approved or FSF-libre in the SPDX licence list that the Model
# Openness Tool ships (spdx/license-list-data, list version d8abdb0, 2024-05-21).
OSI_OR_FSF = frozenset(
    {
        "0BSD",
        "AAL",
        "AFL-1.1",
        "AFL-1.2",
        "AFL-2.0",
        "AFL-2.1",
        "AFL-3.0",
        "AGPL-1.0",
        "AGPL-3.0",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "APL-1.0",
        "APSL-1.0",
        "APSL-1.1",
        "APSL-1.2",
        "APSL-2.0",
        "Apache-1.0",
        "Apache-1.1",
        "Apache-2.0",
        "Artistic-1.0",
        "Artistic-1.0-Perl",
        "Artistic-1.0-cl8",
        "Artistic-2.0",
        "BSD-1-Clause",
        "BSD-2-Clause",
        "BSD-2-Clause-FreeBSD",
        "BSD-2-Clause-NetBSD",
        "BSD-2-Clause-Patent",
        "BSD-3-Clause",
        "BSD-3-Clause-Clear",
        "BSD-3-Clause-LBNL",
        "BSD-4-Clause",
        "BSL-1.0",
        "BitTorrent-1.1",
        "BlueOak-1.0.0",
        "CAL-1.0",
        "CAL-1.0-Combined-Work-Exception",
        "CATOSL-1.1",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "CDDL-1.0",
        "CECILL-2.0",
        "CECILL-2.1",
        "CECILL-B",
        "CECILL-C",
        "CERN-OHL-P-2.0",
        "CERN-OHL-S-2.0",
        "CERN-OHL-W-2.0",
        "CNRI-Python",
        "CPAL-1.0",
        "CPL-1.0",
        "CUA-OPL-1.0",
        "ClArtistic",
        "Condor-1.1",
        "ECL-1.0",
        "ECL-2.0",
        "EFL-1.0",
        "EFL-2.0",
        "EPL-1.0",
        "EPL-2.0",
        "EUDatagrid",
        "EUPL-1.1",
        "EUPL-1.2",
        "Entessa",
        "FSFAP",
        "FTL",
        "Fair",
        "Frameworx-1.0",
        "GFDL-1.1",
        "GFDL-1.1-only",
        "GFDL-1.1-or-later",
        "GFDL-1.2",
        "GFDL-1.2-only",
        "GFDL-1.2-or-later",
        "GFDL-1.3",
        "GFDL-1.3-only",
        "GFDL-1.3-or-later",
        "GPL-2.0",
        "GPL-2.0+",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0",
        "GPL-3.0+",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "GPL-3.0-with-GCC-exception",
        "HPND",
        "ICU",
        "IJG",
        "IPA",
        "IPL-1.0",
        "ISC",
        "Imlib2",
        "Intel",
        "Jam",
        "LGPL-2.0",
        "LGPL-2.0+",
        "LGPL-2.0-only",
        "LGPL-2.0-or-later",
        "LGPL-2.1",
        "LGPL-2.1+",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0",
        "LGPL-3.0+",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "LPL-1.0",
        "LPL-1.02",
        "LPPL-1.2",
        "LPPL-1.3a",
        "LPPL-1.3c",
        "LiLiQ-P-1.1",
        "LiLiQ-R-1.1",
        "LiLiQ-Rplus-1.1",
        "MIT",
        "MIT-0",
        "MIT-Modern-Variant",
        "MPL-1.0",
        "MPL-1.1",
        "MPL-2.0",
        "MPL-2.0-no-copyleft-exception",
        "MS-PL",
        "MS-RL",
        "MirOS",
        "Motosoto",
        "MulanPSL-2.0",
        "Multics",
        "NASA-1.3",
        "NCSA",
        "NGPL",
        "NOSL",
        "NPL-1.0",
        "NPL-1.1",
        "NPOSL-3.0",
        "NTP",
        "Naumen",
        "Nokia",
        "Nunit",
        "OCLC-2.0",
        "ODbL-1.0",
        "OFL-1.0",
        "OFL-1.1",
        "OFL-1.1-RFN",
        "OFL-1.1-no-RFN",
        "OGTSL",
        "OLDAP-2.3",
        "OLDAP-2.7",
        "OLDAP-2.8",
        "OLFL-1.3",
        "OSET-PL-2.1",
        "OSL-1.0",
        "OSL-1.1",
        "OSL-2.0",
        "OSL-2.1",
        "OSL-3.0",
        "OpenSSL",
        "PHP-3.0",
        "PHP-3.01",
        "PostgreSQL",
        "Python-2.0",
        "QPL-1.0",
        "RPL-1.1",
        "RPL-1.5",
        "RPSL-1.0",
        "RSCPL",
        "Ruby",
        "SGI-B-2.0",
        "SISSL",
        "SMLNJ",
        "SPL-1.0",
        "SimPL-2.0",
        "Sleepycat",
        "StandardML-NJ",
        "UCL-1.0",
        "UPL-1.0",
        "Unicode-3.0",
        "Unicode-DFS-2016",
        "Unlicense",
        "VSL-1.0",
        "Vim",
        "W3C",
        "WTFPL",
        "Watcom-1.0",
        "X11",
        "XFree86-1.1",
        "Xnet",
        "YPL-1.1",
        "ZPL-2.0",
        "ZPL-2.1",
        "Zend-2.0",
        "Zimbra-1.3",
        "Zlib",
        "eCos-2.0",
        "gnuplot",
        "iMatix",
        "wxWindows",
        "xinetd",
    }
)
OPEN_DATA_PREFIXES = ("CC0-", "CC-BY-", "CDLA-", "ODC-", "ODbL-", "OGL-", "PDDL-", "CC-PDDC")
EXTRA_OPEN = frozenset({"OpenMDW-1.0", "GFDL-1.3", "C-UDA-1.0", "FreeBSD-DOC"})


def is_open_license(spdx: str) -> bool:
    """True when ``spdx`` counts as an open licence under the MOF rule."""
    spdx = spdx.strip()
    if not spdx or spdx.lower() in {"unlicensed", "undisclosed", "none"}:
        return False
    if spdx in OSI_OR_FSF or spdx in EXTRA_OPEN:
        return True
    if spdx.startswith("CC-BY-") and "-NC" in spdx:
        return False  # non-commercial Creative Commons licences are not open
    if spdx.startswith("CC-BY-") and "-ND" in spdx:
        return False
    return spdx.startswith(OPEN_DATA_PREFIXES)


@dataclass(frozen=True)
class MofResult:
    """The derived class (None when not even Class III is met) and what is missing."""

    mof_class: int | None
    missing_for_next: tuple[str, ...]
    """Components (with reasons) still needed for the next more open class."""
    source: str

    @property
    def label(self) -> str:
        """Human label, always marked as derived."""
        if self.mof_class is None:
            return "no MOF class (derived)"
        return f"{CLASS_NAMES[self.mof_class]} (derived)"


def _component_status(evidence: MofEvidence) -> dict[str, bool]:
    status: dict[str, bool] = {}
    for component in evidence.components:
        ok = is_open_license(component.license)
        status[component.name] = status.get(component.name, False) or ok
    if status.get("Research paper") and not status.get("Technical report"):
        status["Technical report"] = True
    return status


def _missing(evidence: MofEvidence, status: dict[str, bool], required: tuple[str, ...]) -> list[str]:
    licences = {c.name: c.license for c in evidence.components}
    out = []
    for name in required:
        if status.get(name):
            continue
        if name in licences:
            out.append(f"{name} (licence {licences[name]} is not open)")
        else:
            out.append(f"{name} (not released)")
    return out


def derive_mof_class(evidence: MofEvidence | None) -> MofResult | None:
    """Derive the MOF class from the component list; None when there is no evidence."""
    if evidence is None:
        return None
    status = _component_status(evidence)
    achieved: int | None = None
    for klass in (3, 2, 1):
        if all(status.get(name) for name in REQUIRED[klass]):
            achieved = klass
        else:
            break
    target = 3 if achieved is None else achieved - 1
    missing = tuple(_missing(evidence, status, REQUIRED[target])) if target >= 1 else ()
    return MofResult(mof_class=achieved, missing_for_next=missing, source=evidence.source)
