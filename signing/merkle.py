"""Merkle tree hashes and inclusion proofs over the registry journal.

The tree is the one of RFC 9162 §2.1: a leaf hash is SHA-256(0x00 ‖ input),
an interior node SHA-256(0x01 ‖ left ‖ right), the tree over ``n`` leaves
splits at the largest power of two below ``n`` (§2.1.1), and inclusion
proofs are built and checked as in §2.1.3. The leaf input of the journal
tree is an entry's ``entry_hash`` as 32 raw bytes, in journal position
order (leaf index = position − 1).

Besides the list-based functions, :func:`subtree_root` and
:func:`inclusion_proof_from_nodes` work from a callable that returns the
root of any complete (power-of-two) subtree, so that a store which keeps
those roots can answer in O(log n) lookups instead of rehashing the log.

The canonical journal entry hash lives here too, so that a receipt and its
proof can be checked offline with no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from signing.timetext import utc_text

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

# Returns the root of the complete subtree of 2**level leaves that starts
# at leaf ``index * 2**level``.
PerfectRoot = Callable[[int, int], bytes]


class MerkleProofError(ValueError):
    """An inclusion proof or its parameters are malformed."""


def leaf_hash(entry_hash: bytes) -> bytes:
    """Return the leaf hash of one leaf input (RFC 9162 §2.1.1)."""
    return hashlib.sha256(LEAF_PREFIX + entry_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the hash of an interior node over two child hashes."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash over the given leaf hashes (RFC 9162 §2.1.1)."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()

    return _mth(leaf_hashes, 0, len(leaf_hashes))


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Return the audit path of leaf ``index`` (RFC 9162 §2.1.3.1)."""
    size = len(leaf_hashes)
    _check_index(index, size)
    return inclusion_proof_from_nodes(
        index, size, lambda level, at: _mth(leaf_hashes, at << level, 1 << level)
    )


def root_from_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes:
    """Return the root an audit path leads to (RFC 9162 §2.1.3.2).

    Raises :class:`MerkleProofError` when the index is outside the tree, a
    hash is not 32 bytes, or the path is too long or too short for the
    position. The caller compares the result with the trusted root, and
    takes ``tree_size`` from the same sealed checkpoint: trees of different
    sizes but the same shape around the leaf give the same result.
    """
    _check_index(index, tree_size)
    _check_hash(leaf_hash, "leaf hash")
    fn, sn, result = index, tree_size - 1, leaf_hash

    for sibling in proof:
        _check_hash(sibling, "audit path element")
        if sn == 0:
            raise MerkleProofError("audit path is longer than the tree is deep")

        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)

        fn, sn = fn >> 1, sn >> 1

    if sn != 0:
        raise MerkleProofError("audit path is shorter than the tree is deep")

    return result


def subtree_root(start: int, size: int, perfect: PerfectRoot) -> bytes:
    """Return MTH over leaves ``[start, start + size)`` from complete subtrees.

    ``start`` must be a multiple of the largest power of two not above
    ``size``, as every range in RFC 9162's recursion is; ``size`` ≥ 1.
    """
    if size < 1:
        raise MerkleProofError("a subtree has at least one leaf")

    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        if start % size:
            raise MerkleProofError("complete subtree is not aligned")
        return perfect(level, start >> level)

    split = _split(size)
    left = subtree_root(start, split, perfect)
    return node_hash(left, subtree_root(start + split, size - split, perfect))


def inclusion_proof_from_nodes(
    index: int, tree_size: int, perfect: PerfectRoot
) -> list[bytes]:
    """Return the audit path of leaf ``index`` using complete-subtree roots."""
    _check_index(index, tree_size)
    path: list[bytes] = []
    start, size = 0, tree_size

    # Walk down from the root; each step keeps the half holding the leaf
    # and records the other half's root. RFC order is leaf-up, so reverse.
    while size > 1:
        split = _split(size)
        if index - start < split:
            path.append(subtree_root(start + split, size - split, perfect))
            size = split
        else:
            path.append(subtree_root(start, split, perfect))
            start, size = start + split, size - split

    path.reverse()
    return path


def frontier_append(frontier: list[bytes], size: int, leaf: bytes) -> list[bytes]:
    """Return the right frontier of a tree of ``size + 1`` leaves.

    The frontier holds the roots of the complete subtrees the tree of
    ``size`` leaves splits into, largest first (one per set bit of
    ``size``); :func:`frontier_root` folds it into the tree root.
    """
    merged = list(frontier)
    carry = leaf

    while size & 1:
        carry = node_hash(merged.pop(), carry)
        size >>= 1

    merged.append(carry)
    return merged


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash of the tree a right frontier describes."""
    if not frontier:
        return hashlib.sha256(b"").digest()

    result = frontier[-1]
    for left in reversed(frontier[:-1]):
        result = node_hash(left, result)

    return result


def journal_entry_hash(
    position: int,
    at: datetime | str,
    event: str,
    document_id: int | None,
    payload: Mapping[str, Any] | str,
    prev_hash: str,
) -> str:
    """Return the SHA-256 hex digest that chains a journal entry to the previous.

    The digest covers the compact JSON array ``[position, at, event,
    document_id, payload_json, prev_hash]``, where ``at`` is the UTC time
    as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (a string is taken as already so
    rendered) and ``payload_json`` is the payload in canonical JSON (keys
    sorted, no spaces, UTF-8 unescaped; a string is taken verbatim).
    """
    moment = at if isinstance(at, str) else format_journal_time(at)
    payload_json = payload if isinstance(payload, str) else canonical_json(payload)
    parts = [position, moment, event, document_id, payload_json, prev_hash]
    encoded = json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Encode a journal payload the one way its entry hash covers it."""
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def format_journal_time(moment: datetime) -> str:
    """Render a time in UTC with microseconds, as the journal hashes it."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; the journal keeps UTC times")

    return utc_text(moment)


def _mth(leaf_hashes: Sequence[bytes], start: int, size: int) -> bytes:
    if size == 1:
        return leaf_hashes[start]

    split = _split(size)
    left = _mth(leaf_hashes, start, split)
    return node_hash(left, _mth(leaf_hashes, start + split, size - split))


def _split(size: int) -> int:
    # The largest power of two strictly below size (size ≥ 2).
    return 1 << ((size - 1).bit_length() - 1)


def _check_index(index: int, tree_size: int) -> None:
    if tree_size < 1:
        raise MerkleProofError("the tree is empty")

    if not 0 <= index < tree_size:
        raise MerkleProofError(f"leaf index {index} outside a tree of {tree_size}")


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise MerkleProofError(f"{what} is {len(value)} bytes, not {HASH_SIZE}")
