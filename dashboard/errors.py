"""Errors that services (and the storage layer, for an outage) raise for the user to read.
Each carries a translation key and parameters, so the page shows the message in the user's
language and the CLI prints it in English."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal the user can understand: ``key`` names a text in the translation table."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        from dashboard.i18n import translate

        return translate(self.key, "en", **self.params)


class PermissionDenied(ServiceError):
    def __init__(self, key: str = "error.forbidden", **params: object) -> None:
        super().__init__(key, **params)


class NotFound(ServiceError):
    def __init__(self, key: str = "error.not_found", **params: object) -> None:
        super().__init__(key, **params)


class Conflict(ServiceError):
    """Somebody else changed the record since the form was opened."""


class LoginFailed(ServiceError):
    pass


class Throttled(ServiceError):
    """Too many requests of one kind in a short time (answers through one link); try later."""


class ValidationFailed(ServiceError):
    """One or more fields are wrong; ``fields`` maps each field to (key, params) for its message."""

    def __init__(self, fields: dict[str, tuple[str, dict[str, object]]]) -> None:
        super().__init__("error.validation", count=len(fields))
        self.fields = fields

    def __str__(self) -> str:
        from dashboard.i18n import translate

        return "; ".join(
            f"{name}: {translate(key, 'en', **params)}"
            for name, (key, params) in self.fields.items()
        )


class StorageUnavailable(ServiceError):
    """The database could not be reached or was too busy; nothing was written — except when the
    connection broke just after a COMMIT reached the server, which is why every form resends
    with the same submission id (``storage.db.store_once`` then finds what was stored).

    Raised by the unit-of-work helpers in ``dashboard.storage.db`` for every driver error that means
    "down, unreachable or too busy" (not "bad data"), so every page can show one clear message,
    keep what was typed and offer to retry.
    """

    def __init__(self, detail: str = "") -> None:
        super().__init__("reporting.db_unavailable", detail=detail)


class CommandError(Exception):
    """A bad input to an admin command (``python -m dashboard …``); printed as one line."""
