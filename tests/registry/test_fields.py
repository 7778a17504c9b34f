"""Access codes and the keyed digests of personal facts."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter

from app.registry.facts import keyed_digest
from app.registry.fields import (
    ACCESS_CODE_ALPHABET,
    ACCESS_CODE_LENGTH,
    new_access_code,
)


def test_access_codes_use_every_character_equally_often() -> None:
    # 31 characters from bytes: taking every byte modulo 31 would give the
    # first eight characters about 9 % more than the rest.
    codes = [new_access_code() for _ in range(20_000)]
    assert all(len(code) == ACCESS_CODE_LENGTH for code in codes)
    counts = Counter("".join(codes))
    assert set(counts) == set(ACCESS_CODE_ALPHABET)

    expected = 20_000 * ACCESS_CODE_LENGTH / len(ACCESS_CODE_ALPHABET)
    worst = max(abs(count - expected) / expected for count in counts.values())
    assert worst < 0.04, counts


def test_access_codes_differ() -> None:
    assert len({new_access_code() for _ in range(1000)}) == 1000


def test_keyed_digest_is_hmac_sha256_of_the_canonical_fact() -> None:
    # Journal entries written before keep verifying: the same digest as ever.
    message = json.dumps(
        {"fact": "signer_name", "value": "Jan Testowy"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    expected = hmac.new(b"ABCDEFGHJKMNPQRS", message, hashlib.sha256).hexdigest()

    assert keyed_digest("ABCDEFGHJKMNPQRS", "signer_name", "Jan Testowy") == expected
