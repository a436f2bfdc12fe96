"""The Excel ledger (问题台账): export of a period, and import of an existing ledger."""
from service.assessment.periods import Period, check_period
from service.ledger.export import (
    export_ledger,
    export_selection,
    filename,
    masked_for,
    may_export,
    selection_filename,
)
from service.ledger.importer import ImportReport, RowOutcome, import_ledger, may_import, require_importer

__all__ = ["ImportReport", "Period", "RowOutcome", "check_period", "export_ledger", "export_selection", "filename",
           "import_ledger", "masked_for", "may_export", "may_import", "require_importer",
           "selection_filename"]
