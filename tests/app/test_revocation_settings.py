"""Revocation settings: off by default, read from KANCELARIA_REVOCATION_*."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.config import Settings
from app.services import _revocation
from tests.signing.conftest import shared_path


def test_defaults_never_fetch_and_soft_fail():
    settings = Settings.from_env({})
    rules = _revocation(settings)

    assert (rules.fetch, rules.soft_fail, rules.supplied.crls) == (False, True, ())


def test_environment_turns_fetching_on_and_soft_fail_off(tmp_path: Path):
    folder = tmp_path / "crls"
    folder.mkdir()
    shutil.copy(shared_path("clients", "samples", "pki", "inter.crl"), folder)
    (folder / "notes.pem").write_text("not a CRL")
    settings = Settings.from_env(
        {
            "KANCELARIA_REVOCATION_FETCH": "on",
            "KANCELARIA_REVOCATION_SOFT_FAIL": "off",
            "KANCELARIA_REVOCATION_TIMEOUT": "2.5",
            "KANCELARIA_REVOCATION_CRLS": str(folder),
        }
    )
    rules = _revocation(settings)

    assert (rules.fetch, rules.soft_fail, rules.timeout) == (True, False, 2.5)
    assert len(rules.supplied.crls) == 1


def test_a_value_that_is_not_on_or_off_is_refused_at_start():
    with pytest.raises(RuntimeError, match="KANCELARIA_REVOCATION_FETCH"):
        Settings.from_env({"KANCELARIA_REVOCATION_FETCH": "sometimes"})
