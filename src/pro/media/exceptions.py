"""What the Mediatheek refuses, and why."""


class MediaRefused(ValueError):
    """An uploaded file is not accepted; nothing of it was stored.

    :ivar filename: the name the file was sent with.
    :ivar reason: one sentence for the uploader saying what is wrong and what
        to send instead.
    :ivar status: the HTTP status a single refused file answers with.
    """

    status = 400

    def __init__(self, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(f"{filename}: {reason}")


class MediaTooLarge(MediaRefused):
    """The file is larger than the Mediatheek's configured size limit."""

    status = 413


class MetadataUnreadable(ValueError):
    """Embedded metadata (EXIF, IPTC, XMP, stream data) could not be parsed.

    Extraction treats it as "the file says nothing"; it never refuses a file
    on its own, since the bytes were already checked.
    """


class SearchInvalid(ValueError):
    """A search parameter is out of range.

    :ivar field: the parameter's name.
    :ivar message: how to give it right.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
