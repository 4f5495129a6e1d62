"""A printer address reaches OctoPrint's API and nothing else: no path or credentials in it, no redirection
followed, nothing of an unknown answer repeated, refused and silent ports told alike."""
from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from printers.base import AddressRefused, MachineConnection, PrinterError, PrinterState, PrinterUnreachable, host_address
from printers.octoprint import OctoPrintDriver
from tests.support.loopback import LoopbackServer

SECRET = "internal-secret-7f3a"   # what a service on the server's own network would answer


@pytest.fixture
def servers() -> Iterator[list[LoopbackServer]]:
    started: list[LoopbackServer] = []
    yield started
    for server in started:
        server.close()


def serve(servers: list[LoopbackServer], status: int, body: bytes = b"", **headers: str) -> LoopbackServer:
    server = LoopbackServer(status, body, {k.replace("_", "-"): v for k, v in headers.items()})
    servers.append(server)
    return server


def driver(url: str, client: httpx.Client | None = None) -> OctoPrintDriver:
    return OctoPrintDriver(MachineConnection("octoprint", url, "key", timeout=3), client)


@pytest.mark.parametrize("url", ["http://10.0.0.2", "http://10.0.0.2:5000/", "HTTPS://OctoPi.local:443",
                                 "http://[fd00::12]:5000", " http://printer-3.lab:80 "])
def test_a_bare_scheme_host_and_port_is_a_printer_address(url: str) -> None:
    assert host_address(url) == url.strip().lower().rstrip("/")


@pytest.mark.parametrize("url", ["http://10.0.0.2:5000/internal", "http://10.0.0.2/?x=1", "http://10.0.0.2#f",
                                 "http://admin:secret@10.0.0.2:5000", "http://admin@10.0.0.2",
                                 "http://127.0.0.1:9/internal?x=", "http://10.0.0.2/%2e%2e/admin"])
def test_an_address_with_a_path_query_fragment_or_credentials_is_refused(url: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        host_address(url)
    assert refused.value.beyond_host


@pytest.mark.parametrize("url", ["ftp://10.0.0.2", "imprimante-du-fond", "http://", "http://h:99999", "http://h:0",
                                 "http://[::1", "http://under_score", "file:///etc/passwd"])
def test_an_address_that_is_no_http_host_is_refused(url: str) -> None:
    with pytest.raises(AddressRefused) as refused:
        host_address(url)
    assert not refused.value.beyond_host


def test_a_driver_given_an_address_with_a_path_sends_nothing_and_says_why(servers: list[LoopbackServer]) -> None:
    internal = serve(servers, 200, json.dumps({"server": "1.11.8", "state": "Operational"}).encode())

    printer = driver(internal.url + "/internal?x=")
    with pytest.raises(PrinterError, match="no path"):
        printer.server_version()
    status = printer.status()

    assert status.state is PrinterState.OFFLINE and "no path" in (status.error or "")
    assert internal.paths == []


@pytest.mark.parametrize("code", [301, 302, 307, 308])
def test_a_redirection_is_not_followed_and_its_target_never_contacted(servers: list[LoopbackServer],
                                                                      code: int) -> None:
    target = serve(servers, 200, json.dumps({"server": "1.11.8"}).encode())
    redirecting = serve(servers, code, Location=target.url + "/internal")
    # even a shared client that would follow redirections does not
    with httpx.Client(follow_redirects=True) as shared:
        for printer in (driver(redirecting.url), driver(redirecting.url, shared)):
            with pytest.raises(PrinterError, match="not OctoPrint.s answer"):
                printer.server_version()
            status = printer.status()
            assert status.state is PrinterState.OFFLINE and "not OctoPrint's answer" in (status.error or "")
            with pytest.raises(PrinterError, match="not OctoPrint.s answer"):
                printer.request_app_key("MakerNet")
    assert target.paths == []
    assert redirecting.paths and all(p.startswith(("/api/", "/plugin/appkeys/")) for p in redirecting.paths)


@pytest.mark.parametrize("status, body", [
    (404, f"<html><body>{SECRET}</body></html>".encode()),
    (400, json.dumps({"detail": SECRET}).encode()),
    (500, f"Traceback ... {SECRET}".encode()),
    (418, json.dumps([SECRET]).encode()),
])
def test_the_body_of_an_unknown_answer_is_never_repeated(servers: list[LoopbackServer], status: int,
                                                         body: bytes) -> None:
    internal = serve(servers, status, body)
    printer = driver(internal.url)

    messages = [printer.status().error or ""]
    for call in (printer.server_version, printer.cancel, lambda: printer.request_app_key("MakerNet"),
                 lambda: printer.start_stored("job-1.gcode"), lambda: printer.poll_app_key("token"),
                 lambda: printer.upload_and_start("job-1.gcode", b"G28", 1)):
        try:
            result = call()
            messages.append(str(result))
        except PrinterError as error:
            messages.append(str(error))

    assert all(SECRET not in message for message in messages), messages
    assert any(f"HTTP {status}" in message for message in messages)


def test_octoprints_own_json_error_is_still_told(servers: list[LoopbackServer]) -> None:
    octoprint = serve(servers, 409, json.dumps({"error": "Printer is not operational"}).encode())

    with pytest.raises(PrinterError, match="Printer is not operational"):
        driver(octoprint.url).poll_app_key("token")


def test_a_2xx_answer_that_is_not_octoprint_gives_no_version_from_it(servers: list[LoopbackServer]) -> None:
    internal = serve(servers, 200, json.dumps({"server": f"<{SECRET}>"}).encode())

    with pytest.raises(PrinterError) as error:
        driver(internal.url).server_version()
    assert SECRET not in str(error.value)


@pytest.mark.parametrize("failure", [httpx.ConnectError("[Errno 111] Connection refused"),
                                     httpx.ConnectTimeout("timed out"), httpx.ConnectError("Name or service not known")])
def test_a_refused_a_silent_and_an_unknown_host_are_all_just_unreachable(failure: Exception) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    printer = driver("http://10.0.0.2:5000", httpx.Client(transport=httpx.MockTransport(fail)))
    with pytest.raises(PrinterUnreachable) as error:
        printer.server_version()

    assert str(error.value) == "cannot reach OctoPrint at http://10.0.0.2:5000"
    assert printer.status().error == "cannot reach OctoPrint at http://10.0.0.2:5000"
