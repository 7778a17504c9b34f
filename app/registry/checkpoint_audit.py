"""Re-check every sealed checkpoint against the journal rows, from scratch.

For each checkpoint: the stored XML hashes to the stored SHA-256, the seal
verifies and is the office's, the sealed tree size and root are the row's,
and the root equals the Merkle root recomputed over the first ``tree_size``
journal rows. A changed, removed or reordered row before a checkpoint (even
the last one) changes that root. The stored subtree roots that proofs are
built from are compared with the recomputed ones too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.registry.checkpoints import CHECKPOINT_NS
from app.registry.merkletree import (
    JournalGapError,
    TreeBuilder,
    journal_leaves,
)
from app.registry.models import Checkpoint, MerkleNode
from signing.errors import SigningInputError
from signing.policy import ValidationPolicy
from signing.result import Indication
from signing.validate import form_elements, validate_xml

log = logging.getLogger(__name__)

NODE_BATCH = 1000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class SealCheck:
    """How to tell the office's seal: the policy and the certificate fingerprint."""

    policy: ValidationPolicy
    fingerprint: str


def count_checkpoints(session: Session) -> int:
    """Return how many checkpoints are stored."""
    return session.scalar(select(func.count()).select_from(Checkpoint)) or 0


def verify_checkpoints(
    session: Session, seal: SealCheck, progress: Progress | None = None
) -> list[str]:
    """Recompute the tree over the journal and check every checkpoint against it.

    ``progress`` is told how many journal entries each step covered.
    """
    problems: list[str] = []
    nodes = _NodeComparer(session, _largest_size(session), problems)
    builder = TreeBuilder(sink=nodes.add)
    leaves = _counted(journal_leaves(session, 0, None), progress)

    for checkpoint in _checkpoints(session):
        problems += _check_seal(checkpoint, seal)
        try:
            while builder.size < checkpoint.tree_size and (leaf := next(leaves, None)):
                builder.append(leaf)
        except JournalGapError as exc:
            problems.append(f"journal: {exc}")
            return problems

        problems += _check_root(checkpoint, builder)

    nodes.finish()
    if problems:
        log.warning("checkpoints differ", extra={"problems": len(problems)})

    return problems


def _check_root(checkpoint: Checkpoint, builder: TreeBuilder) -> list[str]:
    size = checkpoint.tree_size
    if builder.size < size:
        return [
            f"checkpoint {size}: the journal has only {builder.size} entries "
            "(entries were removed)"
        ]

    if builder.root().hex() != checkpoint.root_hash:
        return [
            f"checkpoint {size}: the journal's first {size} entries no longer "
            "give the sealed root (an entry was changed, removed or reordered)"
        ]

    return []


def _check_seal(checkpoint: Checkpoint, seal: SealCheck) -> list[str]:
    name = f"checkpoint {checkpoint.tree_size}"
    if hashlib.sha256(checkpoint.xml).hexdigest() != checkpoint.sha256:
        return [f"{name}: stored XML does not match its SHA-256"]

    try:
        validation = validate_xml(checkpoint.xml, seal.policy)
    except SigningInputError:
        return [f"{name}: stored XML is not a sealed checkpoint"]

    signer = validation.primary.signer
    ours = signer is not None and hmac.compare_digest(
        signer.certificate_sha256, seal.fingerprint
    )
    if validation.indication is not Indication.TOTAL_PASSED or not ours:
        return [f"{name}: the seal does not verify with the office's seal"]

    return _check_sealed_fields(name, checkpoint, form_elements(validation.primary))


def _check_sealed_fields(
    name: str, checkpoint: Checkpoint, signed: list[etree._Element]
) -> list[str]:
    root = next((e for e in signed if e.tag == f"{{{CHECKPOINT_NS}}}Checkpoint"), None)
    if root is None:
        return [f"{name}: the seal does not cover a checkpoint"]

    sealed = {
        "TreeSize": str(checkpoint.tree_size),
        "RootHash": checkpoint.root_hash,
    }
    namespaces = {"c": CHECKPOINT_NS}
    if any(
        root.findtext(f"c:{tag}", namespaces=namespaces) != value
        for tag, value in sealed.items()
    ):
        return [f"{name}: the row differs from what the seal covers"]

    return []


def _checkpoints(session: Session) -> Iterator[Checkpoint]:
    # One at a time in size order: there may be many, each a few KiB.
    after = -1
    while True:
        checkpoint = session.scalars(
            select(Checkpoint)
            .where(Checkpoint.tree_size > after)
            .order_by(Checkpoint.tree_size)
            .limit(1)
        ).first()
        if checkpoint is None:
            return

        yield checkpoint
        session.expunge(checkpoint)
        after = checkpoint.tree_size


def _largest_size(session: Session) -> int:
    return session.scalar(select(func.max(Checkpoint.tree_size))) or 0


def _counted(leaves: Iterator[bytes], progress: Progress | None) -> Iterator[bytes]:
    step = 1000
    for count, leaf in enumerate(leaves, start=1):
        yield leaf
        if progress is not None and count % step == 0:
            progress(step)


class _NodeComparer:
    """Compares recomputed subtree roots with the stored ones, in batches."""

    def __init__(self, session: Session, covered: int, problems: list[str]) -> None:
        self._session = session
        self._covered = covered
        self._problems = problems
        self._pending: dict[tuple[int, int], bytes] = {}
        self._seen = 0

    def add(self, level: int, index: int, value: bytes) -> None:
        """Take one recomputed root; only those a checkpoint covers are stored."""
        if (index + 1) << level <= self._covered:
            self._pending[(level, index)] = value
            if len(self._pending) >= NODE_BATCH:
                self._compare()

    def finish(self) -> None:
        """Compare what is left and look for stored roots nobody recomputed."""
        self._compare()
        stored = self._session.scalar(select(func.count()).select_from(MerkleNode)) or 0
        if stored != self._seen:
            self._problems.append(
                f"merkle_node: {stored} stored subtree roots, "
                f"the journal gives {self._seen}"
            )

    def _compare(self) -> None:
        for level in {level for level, _ in self._pending}:
            indexes = [i for lv, i in self._pending if lv == level]
            rows = self._session.execute(
                select(MerkleNode.idx, MerkleNode.hash).where(
                    MerkleNode.level == level,
                    MerkleNode.idx.between(min(indexes), max(indexes)),
                )
            ).all()
            stored = {int(index): bytes(value) for index, value in rows}
            for index in indexes:
                if stored.get(index) != self._pending[(level, index)]:
                    self._problems.append(
                        f"merkle_node {level}/{index}: stored subtree root "
                        "differs from the journal"
                    )

        self._seen += len(self._pending)
        self._pending.clear()
