from enum import StrEnum


class InvalidParametersResponseErrorCode(StrEnum):
    BADREQUEST = "BadRequest"
    CREDITINSUFFICIENCY = "CreditInsufficiency"
    INVALIDPARAMETERS = "InvalidParameters"

    def __str__(self) -> str:
        return str(self.value)
