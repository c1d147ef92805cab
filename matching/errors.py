"""The one exception the command line turns into an exit status 2 and a one-line message."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input in a need or candidate record: says which record and which field.

    A ``ValueError`` so that library callers who already catch ``ValueError`` for
    invalid data keep working; the command line adds the file name.
    """

    def __init__(self, message: str, *, record_id: str | None = None, field: str | None = None,
                 source: str | None = None) -> None:
        self.message = message
        self.record_id = record_id
        self.field = field
        self.source = source
        super().__init__(self.one_line())

    def located(self, *, source: str | None = None, record_id: str | None = None) -> InputError:
        """A copy that also names the file and/or the record, keeping what is already known."""
        return InputError(self.message, record_id=self.record_id or record_id, field=self.field,
                          source=self.source or source)

    def one_line(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.record_id:
            parts.append(f"record {self.record_id}" if self.record_id.startswith("#") else f"record {self.record_id!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        text = ": ".join(parts) + ": " + self.message
        return " ".join(text.split())  # never more than one line, whatever the message holds
