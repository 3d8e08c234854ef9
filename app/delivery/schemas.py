from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

BATCH_EXAMPLE: dict[str, Any] = {
    "id": "pbt_01JD3ZK8Y2M0000000000000000",
    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
    "status": "ready",
    "page_size": "letter",
    "duplex": False,
    "letter_count": 200,
    "page_count": 204,
    "created_at": "2026-11-29T05:00:00Z",
    "mailed_at": None,
    "files_deleted_at": None,
    "failure_reason": None,
}
BUILDING_EXAMPLE: dict[str, Any] = BATCH_EXAMPLE | {"status": "building", "page_count": 0}
MAILED_EXAMPLE: dict[str, Any] = BATCH_EXAMPLE | {
    "status": "mailed",
    "mailed_at": "2026-11-30T12:00:00Z",
}
FAILED_EXAMPLE: dict[str, Any] = BATCH_EXAMPLE | {
    "status": "failed",
    "page_count": 0,
    "failure_reason": "The print folder /var/lib/letterdesk/print cannot be written to "
    "(No space left on device); the letters are back in the queue.",
}


class PrintBatchOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [BATCH_EXAMPLE, BUILDING_EXAMPLE, FAILED_EXAMPLE]},
    )

    id: str
    campaign_id: str | None
    status: Literal["building", "ready", "mailed", "failed"]
    page_size: Literal["letter", "a4"]
    duplex: bool = Field(
        description="Laid out for printing on both sides: a letter of an odd number of "
        "pages is followed by a blank page, so every letter starts on the front of a sheet."
    )
    letter_count: int
    page_count: int
    created_at: datetime
    mailed_at: datetime | None
    files_deleted_at: datetime | None = Field(
        description="When its PDF and manifest were deleted, after the retention period."
    )
    failure_reason: str | None = Field(
        description="Why a `failed` batch could not be built (its letters went back to "
        "the queue, for the next batch)."
    )


DKIM_DNS_EXAMPLE = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu4nO..."


class DkimKeyIn(BaseModel):
    """The organisation's own DKIM key: its mail is signed with it from now on."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "domain": "letters.amnistie.ca",
                    "selector": "ld2026",
                    "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
                    "...\n-----END PRIVATE KEY-----\n",
                }
            ]
        },
    )

    domain: str = Field(
        max_length=253,
        description="The signing domain (d=): the From address's domain, a subdomain of it "
        "or its parent, so that DMARC finds the signature aligned.",
    )
    selector: str = Field(max_length=63, description="The selector (s=) it is published under.")
    private_key: str = Field(
        max_length=20_000,
        description="An unencrypted RSA private key of 1024 bits or more (2048 is best), "
        "in PEM. Kept sealed; never shown again.",
    )


class DkimKeyOut(BaseModel):
    """The key that signs the organisation's mail, and the DNS record that publishes it.
    The private key is never shown."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source": "organisation",
                    "domain": "letters.amnistie.ca",
                    "selector": "ld2026",
                    "dns_name": "ld2026._domainkey.letters.amnistie.ca",
                    "dns_record": DKIM_DNS_EXAMPLE,
                }
            ]
        }
    )

    source: Literal["organisation", "installation", "none"] = Field(
        description="`organisation`: its own key; `installation`: the server's "
        "(LETTERDESK_DKIM_SELECTOR); `none`: mail goes unsigned."
    )
    domain: str | None
    selector: str | None
    dns_name: str | None = Field(description="Where to publish the TXT record.")
    dns_record: str | None = Field(description="The TXT record: `v=DKIM1; k=rsa; p=...`.")
