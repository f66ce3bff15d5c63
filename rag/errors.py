"""Errors a user can act on: printed as one line, never as a traceback."""


class UserError(Exception):
    """An expected failure (bad input, missing file, ...) with a message that says what to do.

    `exit_code` follows the CLI convention: 1 for an error, 2 for a usage mistake.
    """

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class ModelError(UserError):
    """A model file or folder that a backend cannot load, or a missing optional dependency."""


def missing_extra(package: str, extra: str) -> ModelError:
    """The error for an optional dependency that is not installed."""
    return ModelError(
        f"the '{package}' package is not installed; install the extra with: pip install -e '.[{extra}]'"
    )
