"""Fixtures: one Polish-shaped test PKI per session."""

from __future__ import annotations

import pytest

from tests.shapes.maker import PolishPKI, make_polish_pki


@pytest.fixture(scope="session")
def polish() -> PolishPKI:
    """Root, qualified CA, e-ID CA, platform CA and one signer of each kind."""
    return make_polish_pki()
