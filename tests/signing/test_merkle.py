"""signing.merkle against trees built by hand from RFC 9162 §2.1's definitions."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from signing.merkle import (
    MerkleProofError,
    frontier_append,
    frontier_root,
    inclusion_proof,
    inclusion_proof_from_nodes,
    journal_entry_hash,
    leaf_hash,
    root_from_inclusion,
    subtree_root,
    tree_root,
)

SIZES = range(1, 10)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    # "the largest power of two smaller than n" (§2.1.1), by counting up.
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(inputs: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as §2.1.1 defines it, over leaf inputs."""
    if not inputs:
        return _sha(b"")
    if len(inputs) == 1:
        return _sha(b"\x00" + inputs[0])

    k = _k(len(inputs))
    return _sha(b"\x01" + ref_mth(inputs[:k]) + ref_mth(inputs[k:]))


def ref_path(m: int, inputs: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as §2.1.3.1 defines it."""
    if len(inputs) == 1:
        return []

    k = _k(len(inputs))
    if m < k:
        return [*ref_path(m, inputs[:k]), ref_mth(inputs[k:])]

    return [*ref_path(m - k, inputs[k:]), ref_mth(inputs[:k])]


def _inputs(n: int) -> list[bytes]:
    return [_sha(f"entry {i}".encode()) for i in range(n)]


def _leaves(inputs: list[bytes]) -> list[bytes]:
    return [leaf_hash(data) for data in inputs]


def test_empty_tree_root_is_the_hash_of_nothing() -> None:
    assert tree_root([]) == _sha(b"")


def test_three_leaf_tree_matches_the_hand_drawn_shape() -> None:
    d = _inputs(3)
    a, b, c = (_sha(b"\x00" + x) for x in d)

    expected = _sha(b"\x01" + _sha(b"\x01" + a + b) + c)

    assert tree_root(_leaves(d)) == expected


@pytest.mark.parametrize("size", SIZES)
def test_root_equals_the_rfc_definition(size: int) -> None:
    inputs = _inputs(size)

    assert tree_root(_leaves(inputs)) == ref_mth(inputs)


@pytest.mark.parametrize("size", SIZES)
def test_every_audit_path_equals_the_rfc_definition_and_leads_to_the_root(
    size: int,
) -> None:
    inputs = _inputs(size)
    leaves, root = _leaves(inputs), ref_mth(inputs)

    for index in range(size):
        path = inclusion_proof(leaves, index)
        assert path == ref_path(index, inputs)
        assert root_from_inclusion(leaves[index], index, size, path) == root


@pytest.mark.parametrize("size", SIZES)
def test_a_changed_sibling_leads_to_another_root(size: int) -> None:
    inputs = _inputs(size)
    leaves, root = _leaves(inputs), ref_mth(inputs)

    for index in range(size):
        path = inclusion_proof(leaves, index)
        for changed in range(len(path)):
            forged = list(path)
            forged[changed] = _sha(b"forged" + forged[changed])
            assert root_from_inclusion(leaves[index], index, size, forged) != root


@pytest.mark.parametrize("size", SIZES)
def test_a_changed_index_does_not_verify(size: int) -> None:
    inputs = _inputs(size)
    leaves, root = _leaves(inputs), ref_mth(inputs)

    for index in range(size):
        path = inclusion_proof(leaves, index)
        for other in range(size):
            if other == index:
                continue
            try:
                result = root_from_inclusion(leaves[index], other, size, path)
            except MerkleProofError:
                continue
            assert result != root


@pytest.mark.parametrize("size", SIZES)
def test_a_tree_size_the_path_does_not_fit_is_refused(size: int) -> None:
    # A size whose tree has the same shape around the leaf gives the same
    # root: the size is bound by the sealed checkpoint, which the verifier
    # must compare. Any size of another shape must be refused outright.
    inputs = _inputs(size)
    leaves = _leaves(inputs)

    for index in range(size):
        path = inclusion_proof(leaves, index)
        for other_size in range(index + 1, size + 9):
            if len(ref_path(index, _inputs(other_size))) == len(path):
                continue
            with pytest.raises(MerkleProofError):
                root_from_inclusion(leaves[index], index, other_size, path)


def test_a_path_with_an_extra_or_missing_element_is_refused() -> None:
    leaves = _leaves(_inputs(7))
    path = inclusion_proof(leaves, 3)

    with pytest.raises(MerkleProofError, match="longer"):
        root_from_inclusion(leaves[3], 3, 7, [*path, path[0]])
    with pytest.raises(MerkleProofError, match="shorter"):
        root_from_inclusion(leaves[3], 3, 7, path[:-1])


def test_malformed_hashes_and_indexes_are_refused() -> None:
    leaves = _leaves(_inputs(4))
    path = inclusion_proof(leaves, 1)

    with pytest.raises(MerkleProofError, match="not 32"):
        root_from_inclusion(leaves[1][:31], 1, 4, path)
    with pytest.raises(MerkleProofError, match="not 32"):
        root_from_inclusion(leaves[1], 1, 4, [path[0] + b"\x00", *path[1:]])
    with pytest.raises(MerkleProofError, match="outside"):
        root_from_inclusion(leaves[1], 4, 4, path)
    with pytest.raises(MerkleProofError, match="empty"):
        root_from_inclusion(leaves[1], 0, 0, [])
    with pytest.raises(MerkleProofError, match="outside"):
        inclusion_proof(leaves, -1)


@pytest.mark.parametrize("size", range(0, 40))
def test_right_frontier_grows_to_the_same_root(size: int) -> None:
    inputs = _inputs(size)
    frontier: list[bytes] = []

    for count, leaf in enumerate(_leaves(inputs)):
        frontier = frontier_append(frontier, count, leaf)

    assert frontier_root(frontier) == ref_mth(inputs)
    assert len(frontier) == bin(size).count("1")


@pytest.mark.parametrize("size", [1, 2, 5, 8, 13, 33])
def test_proofs_from_complete_subtree_roots_equal_the_rfc_paths(size: int) -> None:
    inputs = _inputs(size)
    asked: list[tuple[int, int]] = []

    def perfect(level: int, index: int) -> bytes:
        asked.append((level, index))
        return ref_mth(inputs[index << level : (index + 1) << level])

    assert subtree_root(0, size, perfect) == ref_mth(inputs)
    for index in range(size):
        assert inclusion_proof_from_nodes(index, size, perfect) == ref_path(
            index, inputs
        )

    assert all(((i + 1) << level) <= size for level, i in asked)


def test_subtree_root_refuses_an_unaligned_complete_range() -> None:
    with pytest.raises(MerkleProofError, match="aligned"):
        subtree_root(2, 4, lambda level, index: b"\x00" * 32)


def test_journal_entry_hash_takes_a_rendered_time_and_payload_alike() -> None:
    at = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)
    payload = {"sha256": "ab" * 32, "registry_number": "RPW/1/2026", "ą": 1}

    from_objects = journal_entry_hash(1, at, "registered", 7, payload, "0" * 64)
    from_text = journal_entry_hash(
        1,
        "2026-03-14T09:26:53.589793Z",
        "registered",
        7,
        '{"registry_number":"RPW/1/2026","sha256":"' + "ab" * 32 + '","ą":1}',
        "0" * 64,
    )

    assert from_objects == from_text
    assert journal_entry_hash(2, at, "registered", 7, payload, "0" * 64) != from_text


def test_journal_entry_hash_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="naive"):
        journal_entry_hash(1, datetime(2026, 1, 1), "registered", None, {}, "0" * 64)
