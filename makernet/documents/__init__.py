"""ReportLab builders: plain data in, PDF bytes out, in French (delivery note, production report, cost estimate)."""
