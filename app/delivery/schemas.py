from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class PrintBatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    campaign_id: str | None
    status: Literal["building", "ready", "mailed", "failed"]
    page_size: Literal["letter", "a4"]
    letter_count: int
    page_count: int
    created_at: datetime
    mailed_at: datetime | None
