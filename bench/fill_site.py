"""Fill one site with many published items of mixed types, in one Zope process.

Run by ``bench/run.py`` against a stopped instance whose platform exists::

    PRO_VAR_DIR=var python bench/fill_site.py --config instance.yaml \\
        --items 10000 --output filled.json

The site ``inhoud`` gets news (40 %), publications, questions (20 % each),
events and plain pages (10 % each), all published, committed in batches. The
output names one item of each kind, for the page timings.
"""

from datetime import datetime
from datetime import timedelta
from pathlib import Path
from pro.instance.bootstrap import platform_as_admin
from pro.instance.config import load_config
import argparse
import json
import os
import pytz
import time
import transaction


SITE_ID = "inhoud"
BATCH = 500
# (portal type, folder, share of the items)
MIX = (
    ("News Item", "nieuws", 4),
    ("Publication", "publicaties", 2),
    ("Question", "vraag-en-antwoord", 2),
    ("Event", "agenda", 1),
    ("Document", "documenten", 1),
)
WORDS = (
    "water dijk rivier subsidie onderwijs school zorg wonen energie klimaat "
    "verkeer fiets natuur landbouw veiligheid gemeente provincie europa"
).split()


def fill(config_path: Path, count: int) -> dict:
    config = load_config(config_path, os.environ)
    with platform_as_admin(config, config.zope_conf_path) as portal:
        from plone.dexterity.utils import createContentInContainer
        from pro.platform.api import create_site

        site = create_site(
            portal,
            {
                "id": SITE_ID,
                "title": "Inhoud",
                "organisation": "Benchmarkdienst",
                "blocks": ["news", "publications", "faq", "agenda", "topics"],
            },
            creator="admin",
        )
        folder = createContentInContainer(
            site, "Folder", checkConstraints=False, id="documenten", title="Documenten"
        )
        _publish(folder)
        transaction.commit()

        started = time.perf_counter()
        examples = {}
        cycle = [entry for entry in MIX for _share in range(entry[2])]
        for number in range(count):
            type_name, folder_id, _share = cycle[number % len(cycle)]
            item = _create(createContentInContainer, site[folder_id], type_name, number)
            examples.setdefault(type_name, "/".join(item.getPhysicalPath()))
            if (number + 1) % BATCH == 0:
                transaction.commit()
        transaction.commit()
        seconds = time.perf_counter() - started
    return {"items": count, "seconds": seconds, "examples": examples, "site": SITE_ID}


def _create(create, folder, type_name: str, number: int):
    from plone.app.textfield.value import RichTextValue

    words = " ".join(WORDS[(number + step) % len(WORDS)] for step in range(6))
    fields = {
        "title": f"Bericht {number} over {words.split()[0]}",
        "description": words,
    }
    if type_name in ("News Item", "Document", "Event"):
        fields["text"] = RichTextValue(f"<p>{words} {words}</p>", "text/html")
    if type_name == "Event":
        start = datetime(2027, 1, 1, 10, tzinfo=pytz.utc) + timedelta(days=number % 365)
        fields.update(start=start, end=start + timedelta(hours=2))
    item = create(folder, type_name, checkConstraints=False, **fields)
    _publish(item)
    return item


def _publish(item) -> None:
    from plone import api

    if api.content.get_state(item, default=None) == "private":
        api.content.transition(item, transition="publish")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()

    result = fill(args.config, args.items)
    args.output.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
