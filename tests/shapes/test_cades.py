"""CAdES detached (.p7s) over any file, and attached CMS, through pyHanko."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from app.verdicts.sentences import covered
from signing.detached import validate_any, validate_detached
from signing.errors import MissingPayloadError, NotCMSError
from signing.result import Indication, SubIndication
from tests.shapes.cmsmaker import sign_cms

PAYLOAD = b"%PDF-1.4 not really a pdf, any file at all\n" * 20


def test_detached_cades_over_a_file_passes_and_names_kind(polish):
    p7s = sign_cms(polish.qualified, PAYLOAD)
    result = validate_detached(p7s, PAYLOAD, polish.policy(), "wniosek.pdf")
    sig = result.primary
    assert (result.indication, sig.form) == (Indication.TOTAL_PASSED, "CAdES-BES")
    assert sig.kind == "qc-unconfirmed"
    assert sig.signer.name == "Jan Testowy"
    assert sig.covered[0].uri == "wniosek.pdf"


def test_detached_cades_over_another_file_is_hash_failure(polish):
    p7s = sign_cms(polish.personal, PAYLOAD)
    result = validate_detached(p7s, PAYLOAD + b"x", polish.policy())
    assert (result.indication, result.subindication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_attached_cms_validates_its_own_content(polish):
    p7m = sign_cms(polish.personal, PAYLOAD, detached=False)
    result = validate_any(p7m, polish.policy())
    assert result.indication is Indication.TOTAL_PASSED
    assert result.primary.kind == "personal"


def test_attached_cms_states_its_signing_time_and_covers_its_content_review2_s3(
    polish,
):
    before = datetime.now(UTC) - timedelta(minutes=1)
    p7m = sign_cms(polish.personal, PAYLOAD, detached=False)
    sig = validate_any(p7m, polish.policy()).primary
    detached = validate_detached(
        sign_cms(polish.personal, PAYLOAD), PAYLOAD, polish.policy(), "a.txt"
    ).primary

    assert sig.signing_time is not None and detached.signing_time is not None
    assert before <= sig.signing_time <= datetime.now(UTC)
    assert [(c.kind, c.uri) for c in sig.covered] == [("encapsulated", "")]
    assert sig.covered[0].digest_sha256 == hashlib.sha256(PAYLOAD).hexdigest()
    assert [(c.kind, c.uri) for c in detached.covered] == [("external", "a.txt")]
    words = covered({"covered": [{"kind": "encapsulated", "uri": ""}]}, "pl")
    assert words == ["treść zawarta w pliku podpisu"]


def test_detached_cms_without_its_file_is_refused(polish):
    with pytest.raises(MissingPayloadError):
        validate_any(sign_cms(polish.personal, PAYLOAD), polish.policy())


def test_garbage_that_looks_like_cms_is_refused(polish):
    p7s = sign_cms(polish.personal, PAYLOAD)
    with pytest.raises(NotCMSError):
        validate_detached(p7s[:200], PAYLOAD, polish.policy())


def test_untrusted_cades_is_indeterminate_no_chain(polish):
    from dataclasses import replace

    from signing.trust import TrustStore

    p7s = sign_cms(polish.qualified, PAYLOAD)
    policy = replace(polish.policy(), trust=TrustStore.empty())
    result = validate_detached(p7s, PAYLOAD, policy)
    assert result.indication is Indication.INDETERMINATE
    assert result.primary.kind == "advanced"


def test_two_signers_in_one_cms_are_each_reported(polish):
    from tests.shapes.cmsmaker import join_signers

    both = join_signers(
        sign_cms(polish.qualified, PAYLOAD), sign_cms(polish.personal, PAYLOAD)
    )
    result = validate_detached(both, PAYLOAD, polish.policy())
    # SignerInfos is a DER SET OF: its order is the encoding's, not ours.
    assert sorted(s.kind for s in result.signatures) == ["personal", "qc-unconfirmed"]
    assert result.indication is Indication.TOTAL_PASSED


def test_one_bad_signer_of_two_fails_the_document(polish):
    from tests.shapes.cmsmaker import join_signers

    good = sign_cms(polish.qualified, PAYLOAD)
    other = sign_cms(polish.personal, PAYLOAD + b"other file")
    result = validate_detached(join_signers(good, other), PAYLOAD, polish.policy())
    verdicts = {s.signer.name: s.indication for s in result.signatures}
    assert verdicts == {
        "Jan Testowy": Indication.TOTAL_PASSED,
        "Ewa Przykładowa": Indication.TOTAL_FAILED,
    }
    assert result.indication is Indication.TOTAL_FAILED
