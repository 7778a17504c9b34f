"""Doctored copies of a genuine receipt whose seal still verifies (review R5)."""

from __future__ import annotations

import copy

from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
RNS = "urn:kancelaria:receipt:1"


def wrap_fake_receipt(receipt: bytes) -> bytes:
    """Put a look-alike receipt saying TOTAL_PASSED into an extra ds:Object."""
    root = etree.fromstring(receipt)
    fake = copy.deepcopy(root)
    fake.remove(fake.find(f"{{{DS}}}Signature"))
    indication = fake.find(f"{{{RNS}}}Validation/{{{RNS}}}Indication")
    assert indication is not None
    indication.text = "TOTAL_PASSED" if indication.text != "TOTAL_PASSED" else "X"

    seal = root.find(f"{{{DS}}}Signature")
    assert seal is not None
    extra = etree.SubElement(seal, f"{{{DS}}}Object")
    extra.append(fake)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def split_indication(receipt: bytes) -> bytes:
    """Split the indication's text with a comment (``TOTAL_<!--x-->PASSED``)."""
    root = etree.fromstring(receipt)
    indication = root.find(f"{{{RNS}}}Validation/{{{RNS}}}Indication")
    assert indication is not None and indication.text
    head, tail = indication.text[:6], indication.text[6:]
    indication.text = head
    comment = etree.Comment("x")
    comment.tail = tail
    indication.append(comment)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
