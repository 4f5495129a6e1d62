"""A simulated Original Prusa i3 MK3S (firmware 3.14.1) on a pseudo-terminal, for a real PrusaLink.

PrusaLink drives a MK3 over serial. This firmware answers the MK3 dialect PrusaLink 0.8.1 speaks:
the `start` banner at boot, the detection probe (`PRUSA Fir`, `M862.2 Q`), the polled queries
(`M862.x Q`, `PRUSA SN`, `M115`, `M27 P`, `M220`, `M221`, `M73`, `M105`, `M114`, `M420`, `D3` EEPROM
reads and writes), numbered print lines with checksums (`N12 G1 X5 *87`, `Resend:` on a bad one,
`M110` to renumber), temperature/position/fan autoreport (`M155`), the print timer that frames a
print (`M75`/`M76`/`M77`), pause/resume/stop (`M601`/`M602`/`M603`, answered with
`// action:paused|resumed|cancel`) and the menu's own pause/resume/stop (`// action:pause` ...).
Moves and heating are instant, `M117`/`M300` and other codes just `ok`; a dwell (`G4 P500`,
`G4 S2`) really waits, saying `echo:busy: processing` every 2 s, so a print lasts real time.

The printer lives in the test process, a thread pair holding the pty master; PrusaLink opens the
slave through a stable symlink, so the "USB cable" can be pulled and plugged back on a new pty.
Every line both ways and every print start/end goes to the firmware log.
"""
from __future__ import annotations

import os
import re
import threading
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.prusa_gcode import GcodeAnswers

FIRMWARE_VERSION = "3.14.1-8237"
PRINTER_TYPE = 302  # what M862.2 Q answers on a MK3S without an MMU
SERIAL_NUMBER = "CZPX1234X004XK12345"
_NUMBERED = re.compile(r"^N(?P<number>-?\d+)\s*(?P<command>.*?)\s*\*(?P<checksum>\d+)\s*$")


@dataclass
class PrintRecord:
    """One print as the printer saw it: opened by the print timer (M75), every numbered line it got."""

    number: int
    started_at: float
    lines: list[str] = field(default_factory=list)
    # then "finished" (M77), "stopped" (M603 or the printer's own stop), or "abandoned" (a new
    # print began while this one was open: the host vanished mid-file)
    outcome: str = "printing"
    ended_at: float | None = None


class PrusaFirmware:
    """The simulated MK3S. `start()` opens the pty; PrusaLink's serial port is `port` (a symlink)."""

    def __init__(self, link_path: Path, log_path: Path | None = None,
                 serial_number: str = SERIAL_NUMBER) -> None:
        self.link_path = Path(link_path)
        self.log_path = log_path
        self.answers = GcodeAnswers(self, serial_number=serial_number, firmware_version=FIRMWARE_VERSION,
                                    printer_type=PRINTER_TYPE)
        self.prints: list[PrintRecord] = []
        self.lock = threading.RLock()
        self.paused = False
        self.halted = False  # an unplugged printer, or one that stopped answering
        self._timer_paused = False
        self._write_lock = threading.Lock()
        self._interrupt = threading.Event()
        self.closing = threading.Event()
        self._master: int | None = None
        self._slave: int | None = None
        self._last_line = 0
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> str:
        """The serial port to give PrusaLink: a symlink to the current pty slave."""
        return str(self.link_path)

    @property
    def current_print(self) -> PrintRecord | None:
        """The print in progress (or paused), if any."""
        with self.lock:
            last = self.prints[-1] if self.prints else None
            return last if last is not None and last.outcome == "printing" else None

    def start(self) -> PrusaFirmware:
        """Plug the printer in and start answering; it boots with the usual `start` banner."""
        if self._threads:
            return self
        self.plug()
        for target, name in ((self._serve, "prusa-firmware"), (self.answers.autoreport_loop, "prusa-autoreport")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def close(self) -> None:
        """Stop the threads and pull the cable for good."""
        self.closing.set()
        self._interrupt.set()
        self.answers.wake()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self.unplug()

    def plug(self) -> None:
        """Attach the printer on a fresh pty (a new USB device appears), booting it."""
        with self._write_lock:
            if self._master is not None:
                return
            master, slave = os.openpty()
            tty.setraw(slave)  # no echo, no line editing: a serial line, not a terminal
            os.set_blocking(master, False)
            self._master, self._slave = master, slave
            temporary = self.link_path.with_name(self.link_path.name + ".new")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(os.ttyname(slave))
            temporary.replace(self.link_path)
        with self.lock:  # plugging in resets a MK3S (USB DTR): whatever it was printing is lost
            record = self.current_print
            if record is not None:
                record.outcome, record.ended_at = "abandoned", time.time()
            self.paused = self._timer_paused = False
        self.halted = False
        self._last_line = 0
        self.log("plugged in on " + os.ttyname(slave))
        self.send("start")

    def unplug(self) -> None:
        """Pull the USB cable: PrusaLink's next read fails and the port vanishes until `plug()`."""
        with self._write_lock:
            for fd in (self._master, self._slave):
                if fd is not None:
                    os.close(fd)
            self._master = self._slave = None
            self.link_path.unlink(missing_ok=True)
        self.halted = True
        self._interrupt.set()
        self.log("unplugged")

    def go_silent(self, silent: bool = True) -> None:
        """Keep the line open but answer nothing: a hung printer, which PrusaLink calls ERROR after ~78 s."""
        self.halted = silent
        self.log("silent" if silent else "answering again")

    def cancel_on_host(self) -> None:
        """Stop the print from the printer's own menu: it tells the host `// action:cancel`."""
        self.stop_print()

    def pause_on_host(self) -> None:
        """Press Pause in the printer's menu: it asks the host to pause with `// action:pause`."""
        self.send("// action:pause")

    def resume_on_host(self) -> None:
        """Press Resume in the printer's menu: it asks the host to resume with `// action:resume`."""
        self.send("// action:resume")

    def stop_print(self) -> None:
        """The firmware's stop: end the running print, abort a dwell and tell the host to cancel."""
        with self.lock:
            record = self.current_print
            if record is None:
                recent = self.prints[-1] if self.prints else None
                # PrusaLink stops the print timer (M77) just before its M603: that print was stopped.
                if recent and recent.outcome == "finished" and time.time() - (recent.ended_at or 0) < 2:
                    recent.outcome = "stopped"
                return
            record.outcome, record.ended_at = "stopped", time.time()
            self.paused = False
        self._interrupt.set()
        self.log(f"print #{record.number} stopped after {len(record.lines)} lines")
        self.send("// action:cancel")

    def timer_started(self) -> None:
        """M75: a print starts, or one whose timer M76 paused goes on."""
        with self.lock:
            record = self.current_print
            if record is not None and self._timer_paused:
                self._timer_paused = False
                return
            if record is not None:  # the host that streamed it went away: a new print replaces it
                record.outcome, record.ended_at = "abandoned", time.time()
                self.log(f"print #{record.number} abandoned after {len(record.lines)} lines")
            record = PrintRecord(number=len(self.prints) + 1, started_at=time.time())
            self.prints.append(record)
            self.paused = self._timer_paused = False
        self.log(f"print #{record.number} started")

    def timer_paused(self) -> None:
        """M76: the host paused the print timer (it sends M75 to go on)."""
        with self.lock:
            self._timer_paused = self.current_print is not None

    def timer_stopped(self) -> None:
        """M77: the host says the print is over."""
        with self.lock:
            record = self.current_print
            if record is None:
                return
            record.outcome, record.ended_at = "finished", time.time()
            self.paused = False
        self.log(f"print #{record.number} finished after {len(record.lines)} lines")

    def dwell(self, seconds: float) -> None:
        """Wait like G4 does, saying `busy` every 2 s; the printer's own stop cuts it short."""
        self._interrupt.clear()
        deadline = time.monotonic() + seconds
        while not self.closing.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._interrupt.wait(min(left, 2.0)):
                return
            if deadline - time.monotonic() > 0:
                self.send("echo:busy: processing")

    def send(self, *lines: str) -> None:
        """Write lines to the host; a full buffer drops them, as a UART with nobody listening does."""
        data = "".join(line + "\n" for line in lines).encode("cp437", errors="replace")
        with self._write_lock:
            if self._master is None:
                return
            self._log_lines(">", lines)
            deadline = time.monotonic() + 1.0
            while data and time.monotonic() < deadline:
                try:
                    data = data[os.write(self._master, data):]
                except BlockingIOError:
                    time.sleep(0.01)
                except OSError:
                    return

    def log(self, message: str) -> None:
        """One line in the firmware log."""
        self._log_lines("#", [message])

    def _log_lines(self, direction: str, lines: tuple[str, ...] | list[str]) -> None:
        if self.log_path is None:
            return
        stamp = time.strftime("%H:%M:%S") + f".{int(time.time() * 1000) % 1000:03d}"
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.writelines(f"{stamp} {direction} {line}\n" for line in lines)

    def _serve(self) -> None:
        """Read what the host writes, one line at a time, and answer each in order."""
        pending = b""
        while not self.closing.is_set():
            master = self._master
            if master is None:
                time.sleep(0.05)
                continue
            try:
                chunk = os.read(master, 4096)
            except BlockingIOError:
                time.sleep(0.005)
                continue
            except OSError:
                time.sleep(0.05)
                continue
            pending += chunk
            while b"\n" in pending:
                raw, pending = pending.split(b"\n", 1)
                self._receive(raw.decode("cp437").strip())

    def _receive(self, line: str) -> None:
        """Check a line's number and checksum, then run it and answer `ok`."""
        if not line or line.startswith(";") or self.halted:
            return  # blank lines and the USB chip's own ";C32u2_..." never reach the printer
        self._log_lines("<", [line])
        command = line
        if line.startswith("N"):
            match = _NUMBERED.match(line)
            if match is None:
                self.send(f"Error:No Checksum with line number, Last Line: {self._last_line}",
                          f"Resend: {self._last_line + 1}", "ok")
                return
            checksum = 0
            for byte in line[:line.rindex("*")].encode("cp437"):
                checksum ^= byte
            number, command = int(match["number"]), match["command"]
            if checksum != int(match["checksum"]):
                self.send(f"Error:checksum mismatch, Last Line: {self._last_line}",
                          f"Resend: {self._last_line + 1}", "ok")
                return
            if number != self._last_line + 1 and not command.startswith("M110"):
                self.send(f"Error:Line Number is not Last Line Number+1, Last Line: {self._last_line}",
                          f"Resend: {self._last_line + 1}", "ok")
                return
            self._last_line = number
            record = self.current_print
            if record is not None:
                record.lines.append(command)
        answer = self.answers.run(command.split(";", 1)[0].strip())
        if answer and answer[-1].startswith("ok"):
            self.send(*answer)
        else:
            self.send(*answer, "ok")

    def set_line_number(self, number: int) -> None:
        """M110: the next numbered line is `number + 1`."""
        self._last_line = number
