"""Documents: the delivery note, the production report and the cost estimate, as PDF.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.documents.queries import (cost_estimate, cost_estimate_pdf, delivery_note_pdf,
                                                 production_figures, production_report_pdf)

__all__ = ["cost_estimate", "cost_estimate_pdf", "delivery_note_pdf", "production_figures", "production_report_pdf"]
