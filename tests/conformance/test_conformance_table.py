"""bench/conformance.py's table: every disagreement is a known, explained one.

The table runs every file of ../shared/corpus/dss and ../shared/clients/
samples.  A new disagreement (or a fixed one) fails this test, so the table
and this list stay in step.  Each entry says why ours differs; the evidence
is in the named test of tests/conformance or tests/signing.
"""

from __future__ import annotations

import pytest

from bench.conformance import DSS, SAMPLES, all_rows

pytestmark = pytest.mark.corpus

EXPLAINED = {
    # test_dss1376_fails_in_ours_file_wrong_field_added_after_certification: the FILE
    # adds a signature field after a DocMDP P=2 certification (ISO 32000-1 12.8.2.2).
    "pades/DSS1376-rev_n.pdf": "file changed beyond its DocMDP permissions",
    # test_test_pdf_refused_algorithms_in_ours_dss_no_chain: SHA-1 with RSA-1024 is
    # refused at the validation time by our TS 119 312 policy (DSS judges at signing).
    "pades/Test.pdf": "algorithm policy stricter than DSS's default",
    # test_bad_encoded_cms_is_format_failure_in_ours_dss_says_no_signature: a filled
    # signature field with unreadable CMS is a failed signature, registered with it.
    "pades/BadEncodedCMS.pdf": "unreadable CMS is a failed signature, not none",
}


def test_conformance_corpora_are_present():
    for folder in (DSS, SAMPLES):
        if not folder.exists():
            pytest.fail(f"{folder} is missing: the conformance corpus is needed")


def test_every_disagreement_of_the_table_is_explained():
    rows = all_rows()
    differing = {r.file for r in rows if r.known and not r.agrees}
    assert differing == set(EXPLAINED)


def test_table_covers_every_manifest_file():
    rows = all_rows()
    files = {r.file.split(" [")[0] for r in rows}
    assert len(files) >= 50 + 25
    assert "xades/libreoffice-odf-citizen.odt" in files
    assert "xades/Signature-X-HU_MIC-1.xml" in files
