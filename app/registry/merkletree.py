"""The journal's Merkle tree (RFC 9162 §2.1), kept incrementally in the database.

A checkpoint stores the tree's right frontier, so the next one only hashes
the entries appended since. While it does, every complete subtree of at
least ``2**NODE_FLOOR`` leaves that closes is stored in ``merkle_node``;
an inclusion proof then needs O(log n) of those rows and at most one
aligned run of ``2**NODE_FLOOR`` journal rows, never the whole journal.
The stored roots are a cache: :func:`recompute` rebuilds the tree from the
journal rows alone, and ``flask registry verify`` compares the two.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from app.registry.models import JournalEntry, MerkleNode
from signing.merkle import (
    frontier_root,
    inclusion_proof_from_nodes,
    leaf_hash,
    node_hash,
    tree_root,
)

log = logging.getLogger(__name__)

NODE_FLOOR = 4
BATCH_SIZE = 5000

# Receives each complete subtree root as it closes: (level, index, hash).
NodeSink = Callable[[int, int, bytes], None]


class JournalGapError(RuntimeError):
    """The journal's positions are not 1..n without a gap."""


class MissingNodeError(RuntimeError):
    """A stored subtree root an inclusion proof needs is not in the database."""


@dataclass(frozen=True)
class TreeState:
    """A tree of ``size`` leaves, described by its right frontier."""

    size: int
    frontier: tuple[bytes, ...]

    @property
    def root(self) -> bytes:
        """The Merkle Tree Hash of the leaves."""
        return frontier_root(self.frontier)

    def frontier_json(self) -> str:
        """Encode the frontier for a checkpoint row."""
        return json.dumps([node.hex() for node in self.frontier])

    @classmethod
    def from_json(cls, size: int, frontier_json: str) -> TreeState:
        """Decode a frontier stored with a checkpoint."""
        return cls(
            size, tuple(bytes.fromhex(node) for node in json.loads(frontier_json))
        )


EMPTY = TreeState(0, ())


def extend(session: Session, state: TreeState, size: int) -> TreeState:
    """Add journal entries ``state.size + 1 .. size`` and store new subtree roots."""
    pending: list[dict[str, object]] = []
    builder = TreeBuilder(
        state,
        lambda level, index, value: pending.append(
            {"level": level, "idx": index, "hash": value}
        ),
    )

    for leaf in journal_leaves(session, state.size, size):
        builder.append(leaf)
        if len(pending) >= BATCH_SIZE:
            session.execute(insert(MerkleNode), pending)
            pending.clear()

    if pending:
        session.execute(insert(MerkleNode), pending)

    log.debug("merkle tree extended", extra={"from": state.size, "to": size})
    return builder.state()


class TreeBuilder:
    """Appends leaves to a tree's right frontier, reporting closed subtrees."""

    def __init__(self, state: TreeState = EMPTY, sink: NodeSink | None = None) -> None:
        self.size = state.size
        self._frontier = list(state.frontier)
        self._sink = sink

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash."""
        carry, level, rest = leaf, 0, self.size
        while rest & 1:
            carry = node_hash(self._frontier.pop(), carry)
            rest >>= 1
            level += 1
            if level >= NODE_FLOOR and self._sink is not None:
                self._sink(level, ((self.size + 1) >> level) - 1, carry)

        self._frontier.append(carry)
        self.size += 1

    def root(self) -> bytes:
        """Return the Merkle Tree Hash of the leaves so far."""
        return frontier_root(self._frontier)

    def state(self) -> TreeState:
        """Return the size and frontier, for storing with a checkpoint."""
        return TreeState(self.size, tuple(self._frontier))


def inclusion_path(session: Session, index: int, tree_size: int) -> list[bytes]:
    """Return the audit path of leaf ``index`` in the tree of ``tree_size`` leaves."""
    # A dry run names the subtree roots the path needs (the walk does not
    # depend on their values), so they are read in one query.
    wanted: list[tuple[int, int]] = []
    inclusion_proof_from_nodes(index, tree_size, _recorder(wanted))

    reader = _NodeReader(session, tree_size)
    reader.prefetch([key for key in wanted if key[0] >= NODE_FLOOR])
    return inclusion_proof_from_nodes(index, tree_size, reader)


def _recorder(wanted: list[tuple[int, int]]) -> Callable[[int, int], bytes]:
    def record(level: int, index: int) -> bytes:
        wanted.append((level, index))
        return bytes(32)

    return record


def journal_leaves(session: Session, after: int, upto: int | None) -> Iterator[bytes]:
    """Yield the leaf hashes of entries after ``after`` up to ``upto``, in order."""
    expected = after + 1
    while upto is None or expected <= upto:
        query = (
            select(JournalEntry.position, JournalEntry.entry_hash)
            .where(JournalEntry.position >= expected)
            .order_by(JournalEntry.position)
            .limit(BATCH_SIZE)
        )
        if upto is not None:
            query = query.where(JournalEntry.position <= upto)

        rows = session.execute(query).all()
        if not rows:
            break

        for position, entry_hash in rows:
            if position != expected:
                raise JournalGapError(f"journal position {expected} is missing")
            yield leaf_hash(bytes.fromhex(entry_hash))
            expected += 1

    if upto is not None and expected <= upto:
        raise JournalGapError(f"journal ends before position {upto}")


class _NodeReader:
    """Complete-subtree roots for a proof: stored rows, or hashed from the journal."""

    def __init__(self, session: Session, tree_size: int) -> None:
        self._session = session
        self._tree_size = tree_size
        self._chunks: dict[int, list[bytes]] = {}
        self._nodes: dict[tuple[int, int], bytes] = {}

    def __call__(self, level: int, index: int) -> bytes:
        if level >= NODE_FLOOR:
            return self._stored(level, index)

        first = index << level
        chunk = self._chunk(first >> NODE_FLOOR)
        offset = first - ((first >> NODE_FLOOR) << NODE_FLOOR)
        return tree_root(chunk[offset : offset + (1 << level)])

    def prefetch(self, keys: list[tuple[int, int]]) -> None:
        """Read the stored roots at these (level, index) keys in one query."""
        if not keys:
            return

        rows = self._session.execute(
            select(MerkleNode.level, MerkleNode.idx, MerkleNode.hash).where(
                tuple_(MerkleNode.level, MerkleNode.idx).in_(keys)
            )
        )
        self._nodes.update({(lv, i): bytes(value) for lv, i, value in rows})

    def _stored(self, level: int, index: int) -> bytes:
        found = self._nodes.get((level, index))
        if found is None:
            raise MissingNodeError(f"no stored subtree root at level {level}, {index}")

        return found

    def _chunk(self, number: int) -> list[bytes]:
        if number not in self._chunks:
            first = number << NODE_FLOOR
            end = min(first + (1 << NODE_FLOOR), self._tree_size)
            self._chunks[number] = list(journal_leaves(self._session, first, end))

        return self._chunks[number]
