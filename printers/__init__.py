"""Machine drivers behind one interface: OctoPrint and manual work centres.

`printers.base` holds the interface (Driver, PrinterState, MachineConnection, the error
vocabulary); `printers.registry.driver_for(conn)` builds the driver a machine names.
"""
