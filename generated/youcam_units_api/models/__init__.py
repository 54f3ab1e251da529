"""Contains all the data models used in inputs/outputs"""

from .credit_balance_response import CreditBalanceResponse
from .credit_bucket import CreditBucket
from .credit_change import CreditChange
from .credit_history_entry import CreditHistoryEntry
from .credit_history_info import CreditHistoryInfo
from .credit_history_response import CreditHistoryResponse
from .credit_history_result import CreditHistoryResult
from .error_response import ErrorResponse
from .feature_cost_response import FeatureCostResponse
from .feature_cost_result import FeatureCostResult
from .feature_cost_sku import FeatureCostSku
from .invalid_access_token_response import InvalidAccessTokenResponse
from .invalid_access_token_response_error_code import (
    InvalidAccessTokenResponseErrorCode,
)
from .invalid_api_key_response import InvalidApiKeyResponse
from .invalid_api_key_response_error_code import InvalidApiKeyResponseErrorCode
from .invalid_parameters_response import InvalidParametersResponse
from .invalid_parameters_response_error_code import InvalidParametersResponseErrorCode
from .known_credit_action import KnownCreditAction
from .known_credit_bucket_type import KnownCreditBucketType
from .known_feature_cost_unit import KnownFeatureCostUnit

__all__ = (
    "CreditBalanceResponse",
    "CreditBucket",
    "CreditChange",
    "CreditHistoryEntry",
    "CreditHistoryInfo",
    "CreditHistoryResponse",
    "CreditHistoryResult",
    "ErrorResponse",
    "FeatureCostResponse",
    "FeatureCostResult",
    "FeatureCostSku",
    "InvalidAccessTokenResponse",
    "InvalidAccessTokenResponseErrorCode",
    "InvalidApiKeyResponse",
    "InvalidApiKeyResponseErrorCode",
    "InvalidParametersResponse",
    "InvalidParametersResponseErrorCode",
    "KnownCreditAction",
    "KnownCreditBucketType",
    "KnownFeatureCostUnit",
)
