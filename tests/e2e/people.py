"""What every page a person meets must hold to: it fits the screen, it speaks French, it offers the next step."""
from __future__ import annotations

import re

from playwright.sync_api import Page

# English that must not reach a French page: words of printer hosts' states, of the code's own notes, of
# English sentences. Terms French users use as they are (G-code, PLA, PETG, OctoPrint…) are not in it.
ENGLISH = re.compile(r"\b(the|and|with|ready|operational|unknown|printing|queued|done|failed|job|jobs|key|keys|"
                     r"waiting|approval|error|offline|printer|printers|refused|connection|stored|missing|batch|"
                     r"plate|plates|stale|reading|poll|dispatch|dispatching|started|cancelled|units|made|"
                     r"rejected|none|null|true|false)\b", re.IGNORECASE)


# names French users meet as they are: a menu of OctoPrint's own interface
ALLOWED = ("Application Keys",)


def english_on(page: Page) -> list[str]:
    """English words in what the page shows in its main part (form values and code excluded)."""
    text = page.locator("main").inner_text()
    for name in ALLOWED:
        text = text.replace(name, "")
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


def overflow_of(page: Page) -> int:
    """How many pixels the page is wider than the window (0: it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def check_page(page: Page, where: str) -> None:
    """The page fits the window and speaks French."""
    page.wait_for_load_state("load")   # styles and scripts in place before the page is measured
    wider = overflow_of(page)
    assert wider <= 0, f"{where}: {wider} px wider than the window ({_widest(page)})"
    words = english_on(page)
    assert not words, f"{where}: English words on a French page: {words}"
    cut = page.evaluate("""() => [...document.querySelectorAll('main caption')]
        .filter(c => c.getBoundingClientRect().right > window.innerWidth + 1).map(c => c.textContent.trim())""")
    assert not cut, f"{where}: table captions cut by the window's edge: {cut}"   # a wide table scrolls, not its title


def _widest(page: Page) -> list[str]:
    """The elements that reach past the window's right edge (outside scrolling tables), to say what to fix."""
    return page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + (e.id ? '#' + e.id : ''))""")
