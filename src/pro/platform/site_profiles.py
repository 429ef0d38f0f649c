"""Site profiles: the YAML blueprints a new site is made from.

A profile names a site's default blocks, languages, home page text and identity.
Profiles are data in the top-level ``profiles/`` folder, so a platform
administrator adds one without touching code. The folder is found in this order:
the environment variable ``PRO_PROFILES_DIR``, the repository the package was
installed from (an editable install), the copy shipped inside the package.
"""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from pro.platform.blocks import BLOCKS
from pro.platform.exceptions import SiteProfileError
import os
import yaml


PROFILE_KEYS = {"title", "description", "languages", "blocks", "home", "identity"}


@dataclass(frozen=True)
class SiteProfile:
    name: str
    title: str
    description: str
    languages: tuple[str, ...]
    blocks: tuple[str, ...]
    home: dict[str, dict[str, str]] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)

    def home_page(self, language: str) -> dict[str, str]:
        return self.home.get(language) or self.home.get("en") or {}


def profiles_dir() -> Path:
    configured = os.environ.get("PRO_PROFILES_DIR")
    if configured:
        return Path(configured)
    here = Path(__file__).resolve()
    repository = here.parents[3] / "profiles"
    if repository.is_dir():
        return repository
    return here.parents[1] / "site_profiles"


def available_profiles() -> dict[str, SiteProfile]:
    """Every profile in the profiles folder, by name (the file name without .yaml).

    Read afresh on each call: profiles are few and small, and an administrator
    who adds one expects to use it without a restart.
    """
    folder = profiles_dir()
    return {
        path.stem: load_profile(path)
        for path in sorted(folder.glob("*.yaml"))
        if not path.stem.startswith(".")
    }


def load_profile(path: Path) -> SiteProfile:
    """Read and check one profile file.

    :raises SiteProfileError: when the file is not a valid profile; the message
        names the file and the field.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SiteProfileError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise SiteProfileError(f"{path.name}: must be a mapping of fields")

    unknown = sorted(set(data) - PROFILE_KEYS)
    if unknown:
        raise SiteProfileError(
            f"{path.name}: unknown field {unknown[0]!r}; "
            f"use only: {', '.join(sorted(PROFILE_KEYS))}"
        )
    blocks = tuple(data.get("blocks") or ())
    bad_blocks = [name for name in blocks if name not in BLOCKS]
    if bad_blocks:
        raise SiteProfileError(
            f"{path.name}: blocks: unknown block {bad_blocks[0]!r}; "
            f"choose from: {', '.join(BLOCKS)}"
        )
    languages = tuple(data.get("languages") or ("nl",))
    return SiteProfile(
        name=path.stem,
        title=str(data.get("title") or path.stem),
        description=str(data.get("description") or ""),
        languages=languages,
        blocks=blocks,
        home=dict(data.get("home") or {}),
        identity={k: str(v) for k, v in (data.get("identity") or {}).items()},
    )
