"""The library of building blocks a site can be made of.

A block is what an organisation chooses when its site is made: the folder that
holds it, the content types it brings and whether it shows in the main menu.
The list is code, not data, because each block comes with its own types and
views; site profiles (YAML) only choose among these blocks.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class BlockFolder:
    id: str
    title: str


@dataclass(frozen=True)
class Block:
    name: str
    title: str
    folders: dict[str, BlockFolder] = field(default_factory=dict)
    types: tuple[str, ...] = ()
    in_menu: bool = True
    # Offers RSS and Atom feeds of its folder.
    syndicated: bool = False
    # The view its folder shows visitors; None keeps Plone's folder listing.
    layout: str | None = None
    # Called with the new folder and its language to add what the block
    # starts with.
    starter: Callable | None = None

    def folder(self, language: str) -> BlockFolder | None:
        """The folder for ``language``: Dutch ids on Dutch sites, English on others."""
        return self.folders.get(language) or self.folders.get("en")


def _contact_form(folder, language: str) -> None:
    # Imported late: the content types import the block list.
    from pro.content.contact_form import add_contact_form

    add_contact_form(folder, language)


def _folders(nl: tuple[str, str], en: tuple[str, str]) -> dict[str, BlockFolder]:
    return {"nl": BlockFolder(*nl), "en": BlockFolder(*en)}


# Types every site may hold whatever blocks it has: pages, folders, files and
# images are the material all blocks are written with.
BASE_TYPES = (
    "Document",
    "LandingPage",
    "Folder",
    "Image",
    "File",
    "Link",
    "Collection",
)

BLOCKS: dict[str, Block] = {
    block.name: block
    for block in (
        Block(
            "news",
            "News",
            _folders(("nieuws", "Nieuws"), ("news", "News")),
            types=("News Item",),
            layout="news_listing",
            syndicated=True,
        ),
        Block(
            "publications",
            "Publications",
            _folders(("publicaties", "Publicaties"), ("publications", "Publications")),
            types=("Publication",),
            layout="publication_listing",
        ),
        Block(
            "topics",
            "Topics",
            _folders(("onderwerpen", "Onderwerpen"), ("topics", "Topics")),
            types=("Topic",),
            layout="topic_overview",
        ),
        Block(
            "faq",
            "Questions and answers",
            _folders(
                ("vraag-en-antwoord", "Vraag en antwoord"),
                ("questions-and-answers", "Questions and answers"),
            ),
            types=("Question",),
            layout="faq_listing",
        ),
        Block(
            "agenda",
            "Agenda",
            _folders(("agenda", "Agenda"), ("events", "Events")),
            types=("Event",),
            layout="event_listing",
        ),
        Block(
            "contact",
            "Contact",
            _folders(("contact", "Contact"), ("contact", "Contact")),
            # The contact form is made with the form builder, so a site with
            # contact but without the forms block can still make one.
            types=("ContactPage", "EasyForm"),
            starter=_contact_form,
        ),
        Block(
            "people",
            "People",
            _folders(("organisatie", "Organisatie"), ("organisation", "Organisation")),
            types=("Person",),
            layout="people_overview",
        ),
        Block(
            "dossiers",
            "Dossiers",
            _folders(("dossiers", "Dossiers"), ("dossiers", "Dossiers")),
            types=("Dossier",),
            layout="summary_view",
        ),
        Block(
            "forms",
            "Forms",
            _folders(("formulieren", "Formulieren"), ("forms", "Forms")),
            types=("EasyForm",),
            in_menu=False,
        ),
        Block(
            "newsletter",
            "Newsletter",
            _folders(("nieuwsbrief", "Nieuwsbrief"), ("newsletter", "Newsletter")),
            types=("NewsletterIssue",),
            in_menu=False,
        ),
        # Press alerts are a service on the news block, not a place of their own.
        Block("press-alerts", "Press alerts", in_menu=False),
        Block(
            "magazine",
            "Magazine",
            _folders(("magazine", "Magazine"), ("magazine", "Magazine")),
            # Issues are added inside a magazine and articles inside an issue;
            # each needs the block for its add permission.
            types=("Magazine", "MagazineIssue", "Article"),
            layout="magazine_overview",
        ),
    )
}


def block_types(names) -> set[str]:
    """The content types that the blocks ``names`` bring."""
    return {type_name for name in names for type_name in BLOCKS[name].types}


def all_block_types() -> set[str]:
    return block_types(BLOCKS)
