"""Make the pages ``bench_ops.py`` measures, in a Zope process of its own.

Run against an instance on RelStorage whose platform exists, while its
servers run (RelStorage serves several processes at once)::

    PRO_VAR_DIR=var python bench/ops_sites.py --config instance.yaml \\
        --output pages.json

It makes the site ``bench`` with one published news item, and beside the
platform a plain Plone 6.2 site ``plone`` (Classic UI, no PRO add-on) with one
published Document, and writes the paths of the pages to measure.
"""

from pathlib import Path
from pro.instance.bootstrap import platform_as_admin
from pro.instance.config import load_config
import argparse
import json
import os
import transaction


SITE_ID = "bench"
PLAIN_SITE_ID = "plone"


def make_pages(config_path: Path) -> dict[str, str]:
    config = load_config(config_path, os.environ)
    with platform_as_admin(config, config.zope_conf_path) as portal:
        news_item = _make_platform_site(portal)
        transaction.commit()
        document = _make_plain_plone_site(portal)
        transaction.commit()
    return {
        "home page": f"/{config.site_id}/{SITE_ID}",
        "news item": news_item,
        "plain Plone Document": document,
    }


def _make_platform_site(portal) -> str:
    from plone import api
    from pro.platform.api import create_site

    site = create_site(
        portal,
        {"id": SITE_ID, "title": "Bench", "organisation": "Ministerie van Bench"},
        creator="admin",
    )
    item = api.content.create(
        container=site["nieuws"],
        type="News Item",
        id="hoogwater",
        title="Hoogwater in het rivierengebied",
        description="De waterstand stijgt; de dijken houden het.",
    )
    api.content.transition(obj=item, transition="publish")
    return "/".join(item.getPhysicalPath())


def _make_plain_plone_site(portal) -> str:
    from plone import api
    from Products.CMFPlone.factory import addPloneSite
    from zope.component.hooks import setSite

    plain = addPloneSite(
        portal.aq_parent,
        PLAIN_SITE_ID,
        title="Plain Plone",
        extension_ids=(
            "plone.app.contenttypes:default",
            "plonetheme.barceloneta:default",
        ),
        setup_content=False,
    )
    setSite(plain)
    page = api.content.create(
        container=plain,
        type="Document",
        id="pagina",
        title="Een gewone pagina",
        description="Een Document van Plone zelf, ter vergelijking.",
    )
    api.content.transition(obj=page, transition="publish")
    return "/".join(page.getPhysicalPath())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    pages = make_pages(args.config)
    args.output.write_text(json.dumps(pages), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
