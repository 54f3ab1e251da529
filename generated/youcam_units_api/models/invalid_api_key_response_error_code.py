from enum import StrEnum


class InvalidApiKeyResponseErrorCode(StrEnum):
    EXPIREDAPIKEY = "ExpiredApiKey"
    INACTIVEAPIKEY = "InactiveApiKey"
    INVALIDAPIKEY = "InvalidApiKey"

    def __str__(self) -> str:
        return str(self.value)
