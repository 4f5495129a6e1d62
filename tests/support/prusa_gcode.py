"""What the simulated MK3S answers to each G-code, as firmware 3.14.x prints it on its serial line.

Only the answers live here; the line protocol (numbers, checksums, `ok`), the print framing and
the pty belong to tests.support.prusa_firmware.
"""
from __future__ import annotations

import struct
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.support.prusa_firmware import PrusaFirmware

AMBIENT = 21.0
# EEPROM addresses PrusaLink reads (Prusa-Firmware Firmware/eeprom.h)
JOB_ID, SHEETS, ACTIVE_SHEET, FLASH_AIR = 0x0D05, 0x0D49, 0x0DA1, 0x0FBB
TOTAL_PRINT_TIME, TOTAL_FILAMENT, PRINT_MODE = 0x0FED, 0x0FF1, 0x0FFF
SHEET_NAMES = ("Smooth1", "Smooth2", "Textur1", "Textur2", "Satin 1", "Satin 2", "NylonPA", "Custom1")


def default_eeprom() -> bytearray:
    """A MK3S EEPROM after the first-run wizard: eight named sheets, normal mode, job id 0."""
    eeprom = bytearray(b"\xff" * 4096)
    for index, name in enumerate(SHEET_NAMES):
        # name[7], z offset (uint16, 0 = not calibrated), bed temperature, PINDA temperature
        eeprom[SHEETS + 11 * index:SHEETS + 11 * (index + 1)] = name.encode() + struct.pack("<HBB", 0, 60, 35)
    eeprom[ACTIVE_SHEET] = 0
    eeprom[FLASH_AIR] = 0
    eeprom[PRINT_MODE] = 0  # 0 normal, 1 silent
    eeprom[JOB_ID:JOB_ID + 4] = bytes(4)
    eeprom[TOTAL_PRINT_TIME:TOTAL_PRINT_TIME + 4] = struct.pack("<I", 0)
    eeprom[TOTAL_FILAMENT:TOTAL_FILAMENT + 4] = struct.pack("<I", 0)
    return eeprom


def parameters(words: list[str]) -> dict[str, str]:
    """`["X10", "S200"]` -> {"X": "10", "S": "200"}: the letter-value words after a G-code."""
    return {word[0].upper(): word[1:] for word in words if word}


class GcodeAnswers:
    """The printer's state that G-codes change and the lines it prints back for each of them."""

    def __init__(self, firmware: PrusaFirmware, serial_number: str, firmware_version: str,
                 printer_type: int) -> None:
        self.firmware = firmware
        self.serial_number = serial_number
        self.firmware_version = firmware_version
        self.printer_type = printer_type
        self.eeprom = default_eeprom()
        self.position = {"X": 0.0, "Y": 0.0, "Z": 0.0, "E": 0.0}
        self.relative = False
        self.targets = {"nozzle": 0.0, "bed": 0.0}
        self.speed = self.flow = 100
        self.progress = {"NORMAL": [-1, -1, -1], "SILENT": [-1, -1, -1]}  # percent, minutes left, change in
        self.report_every = 0.0
        self.report_mask = 0
        self.lcd = ""
        self._report_wakeup = threading.Event()

    def run(self, command: str) -> list[str]:
        """The lines the printer prints for one command, before its `ok` (or the `ok` line itself)."""
        if not command:
            return []
        words = command.split()
        code = words[0].upper()
        if code == "PRUSA":
            return self._prusa(words[1] if len(words) > 1 else "")
        if code == "M117":
            self.lcd = command[4:].strip()
            return []
        handler = getattr(self, "_" + code.replace(".", "_"), None)
        if handler is not None:
            return handler(parameters(words[1:]), words[1:]) or []
        if code[0] in "GMTD" and code[1:2].isdigit():
            return []  # fans, motors, acceleration, MBL and the like: accepted, nothing to say
        return [f'echo:Unknown command: "{command}"']

    def _prusa(self, what: str) -> list[str]:
        if what == "Fir":
            return [self.firmware_version]
        if what == "SN":
            return [self.serial_number]
        return []

    # --- motion ---
    def _G0(self, params: dict[str, str], _: list[str]) -> None:
        for axis in "XYZE":
            if axis in params:
                value = float(params[axis])
                self.position[axis] = self.position[axis] + value if self.relative else value

    _G1 = _G0

    def _G4(self, params: dict[str, str], _: list[str]) -> None:
        seconds = float(params.get("P", 0) or 0) / 1000 + float(params.get("S", 0) or 0)
        self.firmware.dwell(seconds)

    def _G28(self, params: dict[str, str], _: list[str]) -> None:
        self.position.update(X=0.0, Y=-3.0, Z=0.15)

    def _G90(self, params: dict[str, str], _: list[str]) -> None:
        self.relative = False

    def _G91(self, params: dict[str, str], _: list[str]) -> None:
        self.relative = True

    def _G92(self, params: dict[str, str], _: list[str]) -> None:
        for axis in "XYZE":
            if axis in params:
                self.position[axis] = float(params[axis] or 0)

    def _M114(self, params: dict[str, str], _: list[str]) -> list[str]:
        return [self.position_line()]

    # --- temperatures: heating is instant ---
    def _M104(self, params: dict[str, str], _: list[str]) -> None:
        self.targets["nozzle"] = float(params.get("S", params.get("R", 0)) or 0)

    _M109 = _M104

    def _M140(self, params: dict[str, str], _: list[str]) -> None:
        self.targets["bed"] = float(params.get("S", params.get("R", 0)) or 0)

    _M190 = _M140

    def _M105(self, params: dict[str, str], _: list[str]) -> list[str]:
        return ["ok " + self.temperature_line()]

    def _M155(self, params: dict[str, str], _: list[str]) -> None:
        self.report_every = float(params.get("S", 1) or 0)
        self.report_mask = int(params.get("C", 1) or 0)
        self.wake()

    # --- identity ---
    def _M115(self, params: dict[str, str], _: list[str]) -> list[str]:
        version = self.firmware_version.split("-")[0]
        return [(f"FIRMWARE_NAME:Prusa-Firmware {version} based on Marlin "
                 "FIRMWARE_URL:https://github.com/prusa3d/Prusa-Firmware PROTOCOL_VERSION:1.0 "
                 "MACHINE_TYPE:Prusa i3 MK3S EXTRUDER_COUNT:1 UUID:00000000-0000-0000-0000-000000000000"),
                "Cap:AUTOREPORT_TEMP:1", "Cap:AUTOREPORT_POSITION:1", "Cap:AUTOREPORT_FANS:1",
                "Cap:EXTENDED_M20:1", "Cap:PRUSA_MMU2:1"]

    def _M862_1(self, params: dict[str, str], words: list[str]) -> list[str]:
        return ["0.40"] if "Q" in words else []

    def _M862_2(self, params: dict[str, str], words: list[str]) -> list[str]:
        return [str(self.printer_type)] if "Q" in words else []

    def _M862_3(self, params: dict[str, str], words: list[str]) -> list[str]:
        return ["MK3S"] if "Q" in words else []

    def _M862_4(self, params: dict[str, str], words: list[str]) -> list[str]:
        return [self.firmware_version.split("-")[0]] if "Q" in words else []

    def _M862_5(self, params: dict[str, str], words: list[str]) -> list[str]:
        return ["2"] if "Q" in words else []

    # --- print framing, progress and the printer's own pause/resume/stop ---
    def _M110(self, params: dict[str, str], _: list[str]) -> None:
        self.firmware.set_line_number(int(params.get("N", 0) or 0))

    def _M75(self, params: dict[str, str], _: list[str]) -> None:
        self.firmware.timer_started()

    def _M76(self, params: dict[str, str], _: list[str]) -> None:
        self.firmware.timer_paused()

    def _M77(self, params: dict[str, str], _: list[str]) -> None:
        self.firmware.timer_stopped()

    def _M73(self, params: dict[str, str], _: list[str]) -> list[str]:
        for mode, letters in (("NORMAL", "PRD"), ("SILENT", "QSC")):
            for index, letter in enumerate(letters):
                if letter in params:
                    self.progress[mode][index] = int(float(params[letter] or -1))
        return [f"{mode} MODE: Percent done: {done}; print time remaining in mins: {left}; Change in mins: {change}"
                for mode, (done, left, change) in self.progress.items()]

    def _M601(self, params: dict[str, str], _: list[str]) -> list[str]:
        with self.firmware.lock:
            if self.firmware.current_print is None or self.firmware.paused:
                return []
            self.firmware.paused = True
        return ["// action:paused"]

    def _M602(self, params: dict[str, str], _: list[str]) -> list[str]:
        with self.firmware.lock:
            if not self.firmware.paused:
                return []
            self.firmware.paused = False
        return ["// action:resumed"]

    def _M603(self, params: dict[str, str], _: list[str]) -> None:
        self.firmware.stop_print()

    def _M220(self, params: dict[str, str], _: list[str]) -> list[str]:
        if "S" in params:
            self.speed = int(params["S"])
            return []
        return [f"{self.speed}%"]

    def _M221(self, params: dict[str, str], _: list[str]) -> list[str]:
        if "S" in params:
            self.flow = int(params["S"])
            return []
        return [f"{self.flow}%"]

    # --- SD card: this printer has none, PrusaLink prints from its own storage over serial ---
    def _M20(self, params: dict[str, str], _: list[str]) -> list[str]:
        return ["Begin file list", "End file list"]

    def _M21(self, params: dict[str, str], _: list[str]) -> list[str]:
        return ["echo:SD init fail"]

    def _M23(self, params: dict[str, str], words: list[str]) -> list[str]:
        return [f"open failed, File: {' '.join(words)}."]

    def _M27(self, params: dict[str, str], _: list[str]) -> list[str]:
        return ["Print saved" if self.firmware.paused else "Not SD printing"]

    def _M420(self, params: dict[str, str], _: list[str]) -> list[str]:
        return ["Num X,Y: 7,7", "Z search height: 5.00", "Measured points:",
                *["  " + "  ".join(f"{0.01 * (row - col):.5f}" for col in range(7)) for row in range(7)]]

    # --- EEPROM: `D3 Ax0D05 C4` reads, `D3 Ax0D05 X0000002a` writes ---
    def _D3(self, params: dict[str, str], _: list[str]) -> list[str]:
        address_text = params.get("A", "0")
        address = int(address_text[1:], 16) if address_text[:1] in "xX" else int(address_text)
        if "X" in params:
            data = bytes.fromhex(params["X"])
            self.eeprom[address:address + len(data)] = data
            return []
        count = int(params.get("C", 1))
        return [f"{start:04x}  " + " ".join(f"{byte:02x}" for byte in self.eeprom[start:min(start + 16, address + count)])
                for start in range(address, address + count, 16)]

    # --- autoreport ---
    def temperature_line(self) -> str:
        """The `T:... B:...` line of M105 and of the temperature autoreport."""
        nozzle, bed = max(AMBIENT, self.targets["nozzle"]), max(AMBIENT, self.targets["bed"])
        return (f"T:{nozzle:.1f} /{self.targets['nozzle']:.1f} B:{bed:.1f} /{self.targets['bed']:.1f} "
                f"T0:{nozzle:.1f} /{self.targets['nozzle']:.1f} @:0 B@:0 P:{AMBIENT + 4:.1f} A:{AMBIENT + 6:.1f}")

    def position_line(self) -> str:
        """The `X:... Count X:...` line of M114 and of the position autoreport."""
        x, y, z, e = (self.position[axis] for axis in "XYZE")
        return f"X:{x:.2f} Y:{y:.2f} Z:{z:.2f} E:{e:.2f} Count X: {x:.2f} Y:{y:.2f} Z:{z:.2f} E:{e:.2f}"

    def wake(self) -> None:
        """Cut the autoreport thread's wait short (to close, or after M155)."""
        self._report_wakeup.set()

    def autoreport_loop(self) -> None:
        """Print temperatures (C bit 0), positions (bit 1) and fans (bit 2) every M155 S seconds."""
        closing = self.firmware.closing
        while not closing.is_set():
            self._report_wakeup.wait(self.report_every or 0.5)
            self._report_wakeup.clear()
            if not self.report_every or self.firmware.halted or closing.is_set():
                continue
            lines = []
            if self.report_mask & 1:
                lines.append(self.temperature_line())
            if self.report_mask & 2:
                lines.append(self.position_line())
            if self.report_mask & 4:
                lines.append("E0:0 RPM PRN1:0 RPM E0@:0 PRN1@:0")
            self.firmware.send(*lines)
