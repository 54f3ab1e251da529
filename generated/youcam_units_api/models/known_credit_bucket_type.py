from enum import StrEnum


class KnownCreditBucketType(StrEnum):
    APIPAYGTOKEN = "ApiPaygToken"
    APISUBSTOKEN = "ApiSubsToken"

    def __str__(self) -> str:
        return str(self.value)
