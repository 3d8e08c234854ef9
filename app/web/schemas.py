from pydantic import BaseModel, ConfigDict, Field


class PageRecipient(BaseModel):
    name: str = Field(examples=["Ziad Aboultaif"])
    office: str = Field(
        description="The role the letter is addressed to, or the district they represent.",
        examples=["MP for Edmonton Manning"],
    )


class PageTargets(BaseModel):
    """Who a supporter at this postal code writes to, in the page's language."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "postal_code": "T5A 1B7",
                    "recipients": [
                        {
                            "name": "Marc Miller",
                            "office": "Minister of Immigration, Refugees and Citizenship",
                        },
                        {"name": "Ziad Aboultaif", "office": "MP for Edmonton Manning"},
                    ],
                    "warnings": [],
                    "districts": [],
                }
            ]
        }
    )

    postal_code: str | None
    recipients: list[PageRecipient]
    warnings: list[str] = Field(description="Why a target of the campaign cannot be reached.")
    districts: list[str] = Field(
        description="Where the postal code straddles districts: the supporter chooses one."
    )
