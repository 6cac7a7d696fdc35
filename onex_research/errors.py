"""Exception classes of onex_research.

Every error raised at a boundary (readers, public functions) is one of these, or a
plain ``ValueError``/``TypeError``; messages name the file, column, row and the
offending values, with a hint where one helps.
"""

__all__ = ["OnexError", "InstrumentError", "SurveyExportError", "EmptyExportError",
           "HeaderOnlyExportError", "TruncatedExportError", "DuplicateHeaderError",
           "UnknownColumnError", "MissingQuestionError", "LabelNotOnScaleError",
           "WrongQuestionnaireError", "RespondentIdError"]


class OnexError(ValueError):
    """Base class of the project's input errors (a ``ValueError``)."""


class InstrumentError(OnexError):
    """An instrument (codebook) YAML that is missing keys or is inconsistent."""


# -- survey exports (onex_research.survey.read_export) ---------------------------
class SurveyExportError(OnexError):
    """A questionnaire export that cannot be read as the given instrument.

    Every subclass's message names the file and, where it applies, the column, the
    row(s) and the offending values, with the closest expected header as a hint.
    """


class EmptyExportError(SurveyExportError):
    """The export file has no bytes, or only blank lines."""


class HeaderOnlyExportError(SurveyExportError):
    """The export has a header row but no submissions."""


class TruncatedExportError(SurveyExportError):
    """The export ends mid-row or mid-file (short last row, broken xlsx zip)."""


class DuplicateHeaderError(SurveyExportError):
    """Two columns of the export have the same header (after NFKC and stripping spaces)."""


class UnknownColumnError(SurveyExportError):
    """A column header that maps to no item of the instrument and no metadata field."""


class MissingQuestionError(SurveyExportError):
    """An item of the instrument has no column in the export."""


class LabelNotOnScaleError(SurveyExportError):
    """An answer label that is not on the item's scale (e.g. a 7-point label on a 5-point item)."""


class WrongQuestionnaireError(SurveyExportError):
    """The export is of a different questionnaire: most question headers match no item."""


class RespondentIdError(SurveyExportError):
    """The export's 序号/编号 column repeats an id or holds a non-id value."""
