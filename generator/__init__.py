"""party365: validate a town's Party-organization data and build its public website."""

from .diagnostics import DataError, Diagnostic, Severity
from .validate import Result, validate

__all__ = ["DataError", "Diagnostic", "Result", "Severity", "validate"]
