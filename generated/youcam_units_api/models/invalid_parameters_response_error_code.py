from enum import StrEnum


class InvalidParametersResponseErrorCode(StrEnum):
    INVALIDPARAMETERS = "InvalidParameters"

    def __str__(self) -> str:
        return str(self.value)
