"""Who an action counts against. The public, per client address. A partner's server
submitting with an `actions:write` key, per key (the key's own limit): its address is
every supporter's. The partner may say the supporter's own address, which then meets the
per-address limit as if the supporter had come themselves. The per-mailbox limit applies
to everyone (`check_supporter_email`).

Past the per-address limit an action is not refused: many supporters share an address (a
classroom, an office), so it is taken with its letters held until the supporter confirms
by email, as a campaign that asks for confirmation holds them (`hold_past_address_limit`).
The dependency answers whether to hold them."""

import ipaddress
from typing import Annotated

from fastapi import Depends, Header, Request

from app.auth.deps import OptionalPrincipal
from app.auth.scopes import Scope, grants
from app.auth.service import Principal
from app.errors import invalid_field
from app.rate_limits import Limit, counted_address, hold_past_address_limit

SUPPORTER_ADDRESS = "Letterdesk-Supporter-Address"


def submits_for_supporters(principal: Principal | None) -> bool:
    return principal is not None and grants(principal.scopes, Scope.ACTIONS_WRITE)


def supporter_address_of(header: str | None) -> str | None:
    if header is None:
        return None
    try:
        return counted_address(ipaddress.ip_address(header.strip()))
    except ValueError:
        raise invalid_field(
            SUPPORTER_ADDRESS, "must be an IPv4 or IPv6 address", where="header"
        ) from None


def limit_actions(
    request: Request,
    principal: OptionalPrincipal,
    supporter_address: Annotated[
        str | None,
        Header(
            alias=SUPPORTER_ADDRESS,
            max_length=45,
            description="With an `actions:write` key: the address the supporter wrote "
            "from, counted against the per-address limit. Ignored without such a key.",
            examples=["203.0.113.7"],
        ),
    ] = None,
) -> bool:
    """Counts the action; answers whether its letters wait for email confirmation."""
    if not submits_for_supporters(principal):
        return hold_past_address_limit(request)
    assert principal is not None
    address = supporter_address_of(supporter_address)
    if not request.app.state.settings.rate_limits_enabled:
        return False
    limiter = request.app.state.rate_limiter
    own = Limit.parse(principal.action_limit) if principal.action_limit else None
    limiter.check("action-key", principal.key_id, own)
    return address is not None and hold_past_address_limit(request, address)


ActionsByCaller = Annotated[bool, Depends(limit_actions)]
