from enum import StrEnum


class InvalidAccessTokenResponseErrorCode(StrEnum):
    INVALIDACCESSTOKEN = "InvalidAccessToken"

    def __str__(self) -> str:
        return str(self.value)
