"""The errors of the web statistics, each naming what was wrong."""


class StatsError(Exception):
    """Base of the statistics' errors."""


class InvalidHit(StatsError):
    """A beacon whose payload cannot be counted.

    :param field: the payload parameter that is wrong (``s``, ``p``, ...).
    :param message: what is wrong with it and what a valid value looks like.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidPeriod(StatsError):
    """A statistics query with a bad ``start``, ``end`` or ``interval``."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class InvalidAnalyticsSettings(StatsError):
    """External analytics settings that cannot be stored, per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
