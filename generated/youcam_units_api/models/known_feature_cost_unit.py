from enum import StrEnum


class KnownFeatureCostUnit(StrEnum):
    RESULT_IMAGE = "result_image"
    SECOND = "second"

    def __str__(self) -> str:
        return str(self.value)
