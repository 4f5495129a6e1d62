; MakerNet demo plate: 10 visor frames (design v3), profile prusa-mk3.
; Made for OctoPrint's Virtual Printer: travel moves and dwells stand in for
; the ~6 h of a real stacked print, so a demo plate lasts a few seconds.
G21
G90
M82
G28
G1 Z5 F60000
G1 X10 Y10 F60000
G1 X200 Y10 F60000
G4 P1000
G1 X200 Y200 F60000
G1 X10 Y200 F60000
G4 P1000
G1 X10 Y10 F60000
G1 Z50 F60000
M84
; end of plate
