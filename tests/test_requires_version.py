"""`requires:` (issue 17): the version-range match and the error a mismatch gives."""

from __future__ import annotations

import pytest

from generator import __version__
from generator.diagnostics import BlueprintError
from generator.pipeline import validate
from generator.platform.requires import SpecifierError, satisfies


@pytest.mark.parametrize("version, spec, ok", [
    ("0.1.0", ">=0.1,<0.2", True),
    ("0.2.0", ">=0.1,<0.2", False),
    ("0.1.5", "==0.1.*", True),
    ("0.2", "==0.1.*", False),
    ("0.1.0", "!=0.1.0", False),
    ("0.1", "==0.1.0", True),
    ("1.4.2", "~=1.4", True),
    ("2.0", "~=1.4", False),
    ("1.4.5", "~=1.4.2", True),
    ("1.5.0", "~=1.4.2", False),
    ("0.3.0", ">0.2, <= 0.3", True),
])
def test_specifier_match(version, spec, ok):
    assert satisfies(version, spec) is ok


@pytest.mark.parametrize("spec", ["", ">=", "0.1", ">=0.1,", "~=1", ">=0.1.*", "latest"])
def test_malformed_specifiers_are_refused(spec):
    with pytest.raises(SpecifierError):
        satisfies("0.1.0", spec)


def test_a_mismatch_is_a_clear_error_before_anything_else(tmp_path):
    bp = tmp_path / "blueprint.yaml"
    bp.write_text('service: orders\nrequires: ">=99"\nsome_future_key: 1\n')
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    [diag] = info.value.diagnostics
    assert (diag.code, diag.line) == ("SLS010", 2)
    assert f"requires sls-gen >=99; this is sls-gen {__version__}" in diag.message


def test_a_matching_range_validates(tmp_path):
    major, minor = __version__.split(".")[:2]
    bp = tmp_path / "blueprint.yaml"
    bp.write_text(f'service: orders\nrequires: ">={major}.{minor},<{major}.{int(minor) + 1}"\n')
    validate(bp)


def test_a_profile_s_range_is_reported_in_the_profile(tmp_path):
    (tmp_path / "platform").mkdir()
    (tmp_path / "platform" / "acme.yaml").write_text('region: eu-west-1\nrequires: ">=99"\n')
    (tmp_path / "svc").mkdir()
    bp = tmp_path / "svc" / "orders.yaml"
    bp.write_text("extends: ../platform/acme.yaml\nservice: orders\n")
    with pytest.raises(BlueprintError) as info:
        validate(bp)
    [diag] = info.value.diagnostics
    assert (diag.code, diag.file, diag.line) == ("SLS010", str(tmp_path / "platform" / "acme.yaml"), 2)
    assert diag.message == f"the org profile this blueprint extends requires sls-gen >=99; this is sls-gen {__version__}"
    assert diag.hint == "install a matching sls-gen: pip install 'sls-gen>=99'"
