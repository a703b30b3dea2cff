"""Which client address a request comes from, trusting ``X-Forwarded-For`` only from named proxies.

No proxy is trusted unless the operator names it in ``ODYSSEE_TRUSTED_PROXIES`` (addresses or networks,
comma-separated, e.g. ``127.0.0.1,10.0.0.0/8``): otherwise anyone able to reach the service through a
same-host TCP/TLS passthrough could choose their address and dodge the per-address sign-in limit.

From a trusted peer, the header is read from the right: every entry a trusted proxy appended is
skipped, and the first one that is not trusted is the client. An entry there that is not an IP
address is refused (400 naming the header), never used as an address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from content.core.errors import FieldError, InvalidParameter

__all__ = ["TrustedProxies", "parse_trusted_proxies"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(text: str) -> tuple[Network, ...]:
    """``ODYSSEE_TRUSTED_PROXIES``: ``ValueError`` naming any entry that is not an address or network."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"trusted_proxies: {entry!r} is not an IP address or network") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    def __init__(self, networks: Iterable[Network]) -> None:
        self.networks = tuple(networks)

    def trusts(self, host: str) -> bool:
        address = _address(host)
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_for: list[str]) -> str:
        """The client's address: ``peer`` itself unless it is a trusted proxy that sent the header."""
        if not self.networks or not forwarded_for or not self.trusts(peer):
            return peer
        entries = [entry.strip() for value in forwarded_for for entry in value.split(",")]
        for entry in reversed(entries):
            address = _address(entry)
            if address is None:
                raise InvalidParameter(FieldError("X-Forwarded-For", f"{entry[:60]!r} is not an IP address"))
            if not any(address in network for network in self.networks):
                return str(address)
        return peer
