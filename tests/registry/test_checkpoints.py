"""Sealed journal checkpoints, inclusion proofs and their audit, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.registry.checkpoint_audit import SealCheck, verify_checkpoints
from app.registry.checkpoints import (
    CheckpointError,
    latest_checkpoint,
    make_checkpoint,
)
from app.registry.journal import EVENT_REGISTERED, entry_hash
from app.registry.merkletree import NODE_FLOOR, inclusion_path
from app.registry.models import Document, JournalEntry, MerkleNode
from app.services import fingerprint
from signing.merkle import leaf_hash, root_from_inclusion, tree_root
from signing.pki import DemoPKI, ensure_demo_pki
from signing.policy import ValidationPolicy
from signing.result import Indication
from signing.seal import XadesSigner
from signing.trust import TrustStore
from signing.validate import validate_xml
from tests.registry.samples import register_sample

OFFICE = "Urząd Gminy Testowo"
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "checkpoint.xsd"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoPKI:
    return ensure_demo_pki(tmp_path_factory.mktemp("pki"), OFFICE)


@pytest.fixture(scope="module")
def sealer(demo: DemoPKI) -> XadesSigner:
    return XadesSigner.from_issued(demo.seal)


@pytest.fixture(scope="module")
def seal(demo: DemoPKI) -> SealCheck:
    policy = ValidationPolicy(trust=TrustStore.from_certificates([demo.root]))
    return SealCheck(policy, fingerprint(demo.seal.certificate))


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as opened:
        yield opened


def _register(session: Session, count: int, start: int = 0) -> list[Document]:
    return [
        register_sample(session, f"<wniosek nr='{start + i}'/>".encode())
        for i in range(count)
    ]


def _leaves(session: Session, upto: int) -> list[bytes]:
    hashes = session.scalars(
        select(JournalEntry.entry_hash)
        .where(JournalEntry.position <= upto)
        .order_by(JournalEntry.position)
    ).all()
    session.rollback()
    return [leaf_hash(bytes.fromhex(h)) for h in hashes]


def test_checkpoint_root_is_the_rfc_root_over_every_entry(
    session: Session, sealer: XadesSigner
) -> None:
    _register(session, 7)

    checkpoint = make_checkpoint(session, sealer, OFFICE)

    assert checkpoint.tree_size == 14
    assert checkpoint.root_hash == tree_root(_leaves(session, 14)).hex()


def test_checkpoint_xml_is_valid_and_sealed_by_the_office(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 2)

    checkpoint = make_checkpoint(session, sealer, OFFICE)
    result = validate_xml(checkpoint.xml, seal.policy)

    xmlschema.XMLSchema10(str(SCHEMA), allow="sandbox").validate(
        xmlschema.XMLResource(checkpoint.xml, allow="none")
    )
    assert result.indication is Indication.TOTAL_PASSED
    assert result.primary.signer is not None
    assert result.primary.signer.certificate_sha256 == seal.fingerprint
    assert b"<TreeSize>4</TreeSize>" in checkpoint.xml
    assert checkpoint.root_hash.encode() in checkpoint.xml


def test_checkpoints_extend_incrementally_to_the_full_root(
    session: Session, sealer: XadesSigner
) -> None:
    sizes: list[int] = []
    for batch in (3, 0, 9, 14):
        _register(session, batch, start=len(sizes) * 100)
        sizes.append(make_checkpoint(session, sealer, OFFICE).tree_size)

    latest = latest_checkpoint(session)
    stored = session.scalar(select(func.count()).select_from(MerkleNode))

    assert sizes == [6, 6, 24, 52]
    assert latest is not None
    assert latest.root_hash == tree_root(_leaves(session, 52)).hex()
    # Complete subtrees of 16 and 32 leaves within 52: 3 + 1.
    assert NODE_FLOOR == 4
    assert stored == 4


def test_proofs_for_every_document_of_fifty_verify_offline(
    session: Session, sealer: XadesSigner
) -> None:
    documents = _register(session, 50)
    checkpoint = make_checkpoint(session, sealer, OFFICE)
    root = bytes.fromhex(checkpoint.root_hash)

    for document in documents:
        entry = session.get(JournalEntry, document.journal_position)
        assert entry is not None
        assert (entry.event, entry.document_id) == (EVENT_REGISTERED, document.id)
        path = inclusion_path(session, entry.position - 1, checkpoint.tree_size)
        leaf = leaf_hash(bytes.fromhex(entry_hash(entry)))
        assert root_from_inclusion(leaf, entry.position - 1, 100, path) == root


def test_proof_against_an_older_checkpoint_leads_to_its_root(
    session: Session, sealer: XadesSigner
) -> None:
    _register(session, 20)
    older = make_checkpoint(session, sealer, OFFICE)
    _register(session, 13, start=500)
    make_checkpoint(session, sealer, OFFICE)

    for index in range(older.tree_size):
        path = inclusion_path(session, index, older.tree_size)
        leaf = _leaves(session, older.tree_size)[index]
        assert root_from_inclusion(leaf, index, older.tree_size, path).hex() == (
            older.root_hash
        )


def test_a_second_checkpoint_of_an_unchanged_journal_is_the_first(
    session: Session, sealer: XadesSigner
) -> None:
    _register(session, 1)
    first = make_checkpoint(session, sealer, OFFICE)
    second = make_checkpoint(session, sealer, OFFICE)

    assert second.tree_size == first.tree_size
    assert second.sha256 == first.sha256


def test_verify_is_clean_on_an_untouched_registry(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 12)
    make_checkpoint(session, sealer, OFFICE)
    _register(session, 5, start=50)
    make_checkpoint(session, sealer, OFFICE)
    _register(session, 2, start=90)

    assert verify_checkpoints(session, seal) == []


def test_verify_detects_a_row_changed_after_a_checkpoint(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 10)
    make_checkpoint(session, sealer, OFFICE)
    _rewrite_entry(session, 5)

    problems = verify_checkpoints(session, seal)

    assert any("checkpoint 20" in p and "no longer" in p for p in problems)


def test_verify_detects_a_deleted_last_row(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 4)
    make_checkpoint(session, sealer, OFFICE)
    session.execute(delete(JournalEntry).where(JournalEntry.position == 8))
    session.commit()

    problems = verify_checkpoints(session, seal)

    assert any("checkpoint 8" in p and "only 7 entries" in p for p in problems)


def test_verify_detects_two_swapped_rows(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 3)
    make_checkpoint(session, sealer, OFFICE)
    _swap_entries(session, 2, 3)

    problems = verify_checkpoints(session, seal)

    assert any("checkpoint 6" in p and "no longer" in p for p in problems)


def test_verify_detects_a_checkpoint_row_changed_beside_its_seal(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 3)
    checkpoint = make_checkpoint(session, sealer, OFFICE)
    forged_root = tree_root(_leaves(session, 5)).hex()
    session.execute(
        update(type(checkpoint))
        .where(type(checkpoint).tree_size == 6)
        .values(tree_size=5, root_hash=forged_root)
    )
    session.commit()

    problems = verify_checkpoints(session, seal)

    assert problems == ["checkpoint 5: the row differs from what the seal covers"]


def test_verify_detects_a_checkpoint_sealed_with_another_key(
    session: Session, seal: SealCheck, tmp_path: Path
) -> None:
    stranger = ensure_demo_pki(tmp_path / "other", "Inny Urząd")
    _register(session, 2)
    make_checkpoint(session, XadesSigner.from_issued(stranger.seal), OFFICE)

    problems = verify_checkpoints(session, seal)

    assert problems == ["checkpoint 4: the seal does not verify with the office's seal"]


def test_verify_detects_a_changed_stored_subtree_root(
    session: Session, sealer: XadesSigner, seal: SealCheck
) -> None:
    _register(session, 9)
    make_checkpoint(session, sealer, OFFICE)
    session.execute(
        update(MerkleNode)
        .where(MerkleNode.level == 4, MerkleNode.idx == 0)
        .values(hash=b"\x00" * 32)
    )
    session.commit()

    problems = verify_checkpoints(session, seal)

    assert problems == ["merkle_node 4/0: stored subtree root differs from the journal"]


def test_checkpoint_is_refused_when_the_journal_shrank(
    session: Session, sealer: XadesSigner
) -> None:
    _register(session, 2)
    make_checkpoint(session, sealer, OFFICE)
    session.execute(delete(JournalEntry).where(JournalEntry.position == 4))
    session.commit()

    with pytest.raises(CheckpointError, match="had more"):
        make_checkpoint(session, sealer, OFFICE)


def _rewrite_entry(session: Session, position: int) -> None:
    # A forger who re-hashes the chain from the changed row onwards: the
    # chain check passes, only the sealed root can tell.
    rows = session.scalars(
        select(JournalEntry)
        .where(JournalEntry.position >= position)
        .order_by(JournalEntry.position)
    ).all()
    previous = None
    for row in rows:
        if row.position == position:
            row.payload_json = row.payload_json.replace("portal", "desk")
        if previous is not None:
            row.prev_hash = previous
        row.entry_hash = "f" * 64  # placeholder: unique hashes are rewritten below
        session.flush()
        row.entry_hash = entry_hash(row)
        session.flush()
        previous = row.entry_hash

    session.commit()


def _swap_entries(session: Session, first: int, second: int) -> None:
    a = session.get(JournalEntry, first)
    b = session.get(JournalEntry, second)
    assert a is not None and b is not None
    fields = ("at", "event", "document_id", "payload_json", "prev_hash", "entry_hash")
    values_a = {f: getattr(a, f) for f in fields}
    values_b = {f: getattr(b, f) for f in fields}

    session.execute(
        delete(JournalEntry).where(JournalEntry.position.in_([first, second]))
    )
    session.flush()
    session.add(JournalEntry(position=first, **values_b))
    session.add(JournalEntry(position=second, **values_a))
    session.commit()
