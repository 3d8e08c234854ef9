"""Which receivers a webhook may reach. A partner's URL must not become a way into our
own network (a database, a cloud metadata service at 169.254.169.254), so hosts on
loopback, private, link-local and other non-global addresses are refused, when the
webhook is made and again at each send, against the addresses the name resolves to then
(a name can be pointed elsewhere after it was checked: DNS rebinding)."""

import socket
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

import httpx


class Unreachable(Exception):
    """The URL may not be, or cannot be, reached; the message says why."""


class PrivateAddress(Unreachable):
    """The URL's host is, or resolves to, an address off the internet (which
    LETTERDESK_WEBHOOK_ALLOW_PRIVATE_ADDRESSES allows)."""


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 and 8215):
# through a NAT64 gateway they reach that IPv4 address, private or not.
_NAT64 = (IPv6Network("64:ff9b::/96"), IPv6Network("64:ff9b:1::/48"))


def is_public(address: IPv4Address | IPv6Address) -> bool:
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in prefix for prefix in _NAT64):
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


def parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
        host = parsed.host  # decoding an IDNA name can fail here ("xn--zz.com")
    except (httpx.InvalidURL, TypeError, UnicodeError) as error:
        raise Unreachable(f"is not a URL: {error}") from error
    if parsed.scheme not in ("http", "https"):
        raise Unreachable("must be an http:// or https:// URL")
    if not host:
        raise Unreachable("must name a host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise Unreachable("has no such port")
    if parsed.userinfo:
        raise Unreachable("must not carry a user name or password")
    return parsed


def allowed_addresses(url: httpx.URL, allow_private: bool) -> list[str]:
    """The addresses `url`'s host resolves to now, all of them public unless private ones
    are allowed; raises Unreachable otherwise."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Unreachable(f"its host {url.host!r} does not resolve") from error
    # An IPv6 address may carry a zone ("fe80::1%eth0"): the zone is not the address.
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    if not allow_private:
        for address in addresses:
            if not is_public(ip_address(address)):
                raise PrivateAddress(
                    f"its host {url.host!r} is a loopback, private or link-local address "
                    f"({address}); receivers must be reachable on the internet"
                )
    return addresses
