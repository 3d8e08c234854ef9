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
