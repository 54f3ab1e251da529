"""Contains all the data models used in inputs/outputs"""

from .credit_change import CreditChange
from .credit_history_entry import CreditHistoryEntry
from .credit_history_info import CreditHistoryInfo
from .credit_history_response import CreditHistoryResponse
from .credit_history_result import CreditHistoryResult
from .error_response import ErrorResponse
from .invalid_access_token_response import InvalidAccessTokenResponse
from .invalid_access_token_response_error_code import (
    InvalidAccessTokenResponseErrorCode,
)
from .invalid_parameters_response import InvalidParametersResponse
from .invalid_parameters_response_error_code import InvalidParametersResponseErrorCode
from .known_credit_action import KnownCreditAction

__all__ = (
    "CreditChange",
    "CreditHistoryEntry",
    "CreditHistoryInfo",
    "CreditHistoryResponse",
    "CreditHistoryResult",
    "ErrorResponse",
    "InvalidAccessTokenResponse",
    "InvalidAccessTokenResponseErrorCode",
    "InvalidParametersResponse",
    "InvalidParametersResponseErrorCode",
    "KnownCreditAction",
)
