"""Which addresses webhooks may reach, and the one address a delivery uses.

An IPv6 address can carry an IPv4 one inside it: IPv4-mapped
(``::ffff:a.b.c.d``), IPv4-compatible (``::a.b.c.d``), 6to4 (``2002::/16``),
NAT64 (``64:ff9b::/96``) and Teredo. A host on such a network reaches the
IPv4 address, so the embedded address is judged by the same rules as the
outer one (review R12). A host name is resolved once, every address it has
is judged, and the request is then sent to the address that was judged: a
second lookup when connecting could answer something else (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
# RFC 8215 local-use NAT64: the IPv4 address may sit anywhere in it.
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class WebhookURLError(ValueError):
    """A webhook address we will not send to (not an absolute http/https URL)."""


class WebhookAddressError(WebhookURLError):
    """A webhook host in an address range we do not send to (review F27)."""


def check_target_address(address: IPAddress, private_targets: bool) -> None:
    """Refuse an address webhooks may not reach, or one embedded in it.

    Link-local (cloud metadata lives there), multicast, unspecified and
    reserved addresses never; private, loopback and other non-global ranges
    only when the operator allows them (``KANCELARIA_WEBHOOK_PRIVATE_TARGETS``).
    """
    inner = embedded_ipv4(address)
    # A mapped or compatible address is only a wrapper of its IPv4 address.
    wrapper = isinstance(address, ipaddress.IPv6Address) and (
        address.ipv4_mapped is not None or (inner and address in IPV4_COMPATIBLE)
    )
    for judged in inner if wrapper else [address, *inner]:
        _check_one(judged, private_targets)

    if address in NAT64_LOCAL_USE and not private_targets:
        raise WebhookAddressError(
            "a webhook URL points at a private or loopback address, which "
            "KANCELARIA_WEBHOOK_PRIVATE_TARGETS does not allow"
        )


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries (none for IPv4)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []

    found = [address.ipv4_mapped, address.sixtofour]
    if address.teredo is not None:
        found += list(address.teredo)

    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in NAT64_WELL_KNOWN or address in NAT64_LOCAL_USE:
        found.append(low)

    # ::a.b.c.d, but not :: and ::1 (judged as what they are).
    if address in IPV4_COMPATIBLE and int(address) > 1:
        found.append(low)

    return [a for a in found if a is not None]


def pinned_address(url: str, private_targets: bool) -> IPAddress:
    """Resolve the URL's host once, judge every address; return the one to use."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise WebhookURLError("the webhook host could not be resolved") from exc

    addresses = [
        ipaddress.ip_address(str(sockaddr[0]).split("%")[0]) for *_, sockaddr in found
    ]
    if not addresses:
        raise WebhookURLError("the webhook host could not be resolved")

    for address in addresses:
        check_target_address(address, private_targets)

    return addresses[0]


def literal_address(host: str) -> IPAddress | None:
    """Return the address a URL host spells, in any form the resolver takes."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        pass
    try:
        # Forms the resolver also takes as addresses: 2130706433, 0x7f.1 ...
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


def _check_one(address: IPAddress, private_targets: bool) -> None:
    never = (
        address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or (address.is_reserved and not address.is_loopback)
    )
    if never:
        raise WebhookAddressError(
            "a webhook URL must not point at a link-local, multicast or "
            "unspecified address"
        )

    if not private_targets and not address.is_global:
        raise WebhookAddressError(
            "a webhook URL points at a private or loopback address, which "
            "KANCELARIA_WEBHOOK_PRIVATE_TARGETS does not allow"
        )
