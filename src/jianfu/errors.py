"""One error hierarchy with fixed exit codes (contracts.md: 1 input problem, 2 wrong usage)."""

from __future__ import annotations


class JianfuError(Exception):
    """Base of every error jianfu raises on purpose."""

    exit_code = 1
    http_status = 500


class InputError(JianfuError):
    """Raised when an input file or record is malformed; names the file and line."""

    exit_code = 1
    http_status = 400

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
            if self.column is not None:
                where += f" [{self.column}]"
            where += ": "
        return f"{where}{self.message}"


class RuleError(JianfuError):
    """Raised when a rule file fails validation at load; names the file and rule id."""

    exit_code = 1


class UsageError(JianfuError):
    """Raised when the command line asks for something impossible."""

    exit_code = 2
    http_status = 400


class NotFound(JianfuError):
    """Raised when a requested object does not exist."""

    exit_code = 1
    http_status = 404


class Forbidden(JianfuError):
    """Raised when the current user may not see or change an object."""

    exit_code = 1
    http_status = 403


class NotFoundError(JianfuError):
    """A registry object named by the user does not exist."""

    exit_code = 1
    http_status = 404


class ConflictError(JianfuError):
    """Someone else changed the record since it was read; nothing was written (no lost update)."""

    exit_code = 1
    http_status = 409
