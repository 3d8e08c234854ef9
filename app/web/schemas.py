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
                    "choose_district": False,
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
    choose_district: bool = Field(
        False,
        description="No table knows this postal code: the supporter may choose their "
        "district by its name or their MP's (`GET /c/{slug}/districts?q=`) and send it as "
        "`district`.",
    )


class PageDistrict(BaseModel):
    name: str = Field(description="Sent as the form's `district`.", examples=["Labrador"])
    mps: list[str] = Field(examples=[["Philip Earle"]])
    label: str = Field(
        description="As the page shows it, in its language.",
        examples=["Labrador (NL): Philip Earle"],
    )


class PageDistricts(BaseModel):
    """Districts to choose from by their name or their MP's name, named for the page."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "q": "labrador",
                    "districts": [
                        {
                            "name": "Labrador",
                            "mps": ["Philip Earle"],
                            "label": "Labrador (NL): Philip Earle",
                        }
                    ],
                }
            ]
        }
    )

    q: str
    districts: list[PageDistrict]


class EmailCheck(BaseModel):
    """A likelier address for one whose domain is a slip from a common one, or none."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"suggestion": "amelie@gmail.com", "message": "Did you mean amelie@gmail.com?"}
            ]
        }
    )

    suggestion: str | None
    message: str | None = Field(description="The question as the page asks it, in its language.")
