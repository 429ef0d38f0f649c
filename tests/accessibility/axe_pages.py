"""The page types and site roots of the axe-core suite.

The page types are data, one line each in ``axe_pages.txt``, so a new kind
of page is covered by adding a line there.
"""

from dataclasses import dataclass
from pathlib import Path


PAGES_FILE = Path(__file__).with_name("axe_pages.txt")


@dataclass(frozen=True)
class PageType:
    """One line of the page list."""

    name: str
    path: str
    status: int
    action: str


@dataclass(frozen=True)
class Root:
    """A site as the suite visits it."""

    name: str
    site_id: str
    language: str
    identity: str
    path: str


# Each identity in each language: a Dutch site with a light identity (whose
# English folder the language switch leads to), an English site (the
# ``english`` profile) and a Dutch magazine with dark ones.
ROOTS = (
    Root("licht-nl", "waterbeheer", "nl", "light", "waterbeheer"),
    Root("donker-en", "trade", "en", "dark", "trade"),
    Root("donker-nl", "leefomgeving", "nl", "dark", "leefomgeving"),
)


def read_page_types(path: Path = PAGES_FILE) -> list[PageType]:
    page_types = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, page_path, status, action = (cell.strip() for cell in line.split("|"))
        page_types.append(PageType(name, page_path, int(status), action))
    return page_types


PAGE_TYPES = read_page_types()
