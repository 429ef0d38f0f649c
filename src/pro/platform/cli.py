"""The ``pro-site`` command: create and list sites from scripts.

It opens the instance's database directly, as the Zope ``admin`` user, so it
needs no running server. A FileStorage can be opened by one process at a time:
with the embedded default, stop ``make run`` first (or use the REST service
``POST /pro/@sites`` instead); on RelStorage it runs beside the servers.

``pro-site --config instance.yaml create --id onderwijs --title Onderwijs
--organisation "Ministerie van Onderwijs" --profile organisatie`` prints the
new site's summary as JSON; a refused field is printed as ``error: <field>:
<message>``, one line each, with exit status 2.
"""

from pathlib import Path
import argparse
import json
import os
import sys


EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    from pro.instance.config import load_config
    from pro.instance.exceptions import ConfigError

    try:
        config = load_config(args.config, os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    if not config.zope_conf_path.exists():
        print(
            f"error: {config.zope_conf_path} is missing; run 'make run' once first",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return args.run(args, config)


def create(args, config) -> int:
    from pro.instance.bootstrap import platform_as_admin
    from pro.platform import api
    from pro.platform.exceptions import SiteValidationError
    import transaction

    fields = _site_fields(args)
    with platform_as_admin(config, config.zope_conf_path) as portal:
        try:
            site = api.create_site(portal, fields, creator="admin")
        except SiteValidationError as error:
            for field, message in error.errors.items():
                print(f"error: {field}: {message}", file=sys.stderr)
            return EXIT_INVALID
        summary = api.site_summary(site)
        transaction.commit()
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


def list_sites(args, config) -> int:
    from pro.instance.bootstrap import platform_as_admin
    from pro.platform import api

    with platform_as_admin(config, config.zope_conf_path) as portal:
        rows = [
            api.site_summary(site, with_counts=False) for site in api.list_sites(portal)
        ]
    for row in rows:
        print(f"{row['id']}\t{row['state']}\t{row['organisation']}\t{row['title']}")
    return 0


def _site_fields(args) -> dict:
    fields = {"id": args.id, "title": args.title, "organisation": args.organisation}
    optional = {
        "profile": args.profile,
        "description": args.description,
        "blocks": _split(args.blocks),
        "languages": _split(args.languages),
        "domains": args.domain,
        "owners": args.owner,
        "chief_editors": args.chief_editor,
        "editors": args.editor,
    }
    fields.update({name: value for name, value in optional.items() if value})
    identity = {
        name: value
        for name, value in (
            ("primary_color", args.primary_color),
            ("secondary_color", args.secondary_color),
        )
        if value
    }
    if identity:
        fields["identity"] = identity
    return fields


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pro-site", description="Create and list the sites of the platform."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path("instance.yaml"),
        help="the instance YAML file (default: %(default)s)",
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)

    create_command = commands.add_parser("create", help="create a site")
    create_command.set_defaults(run=create)
    create_command.add_argument("--id", required=True)
    create_command.add_argument("--title", required=True)
    create_command.add_argument("--organisation", required=True)
    create_command.add_argument("--profile")
    create_command.add_argument("--description")
    create_command.add_argument("--blocks", help="comma-separated, e.g. news,faq")
    create_command.add_argument("--languages", help="comma-separated, e.g. nl,en")
    create_command.add_argument("--primary-color")
    create_command.add_argument("--secondary-color")
    for option in ("--domain", "--owner", "--chief-editor", "--editor"):
        create_command.add_argument(option, action="append", help="repeatable")

    list_command = commands.add_parser("list", help="list every site")
    list_command.set_defaults(run=list_sites)
    return parser
