"""Print the Mediatheek's figures: ingest rate, search latency, upload memory.

``make bench`` runs this after ``bench/run.py``; it never fails on a figure.
It measures the instance ``make run`` starts (instance.yaml, a FileStorage in a
temporary folder):

1. Upload memory: a real server (``ZopeProcess``) receives one ``--upload-mb``
   MB video (raw frames in AVI, made by ffmpeg on disk) through
   ``POST @media-upload``, streamed by the client; the server's resident
   memory is sampled every 50 ms, and its growth over the idle server is
   printed. The same is done for downloading the stored file.
2. Ingest: ``--photos`` generated JPEGs with EXIF go through the Mediatheek's
   ingest (recognised, stored, verified, described, catalogued) in one Zope
   process against the stopped instance, committed every 50; items per second.
3. Search: ``--items`` catalog entries of published photos, videos and audio
   with varied metadata are added straight to the catalog (the search reads
   only the catalog, so no files are made for them); then an anonymous visitor
   asks ``GET @media-search`` with facets for ``--searches`` random queries on
   a fresh server; median and 95th percentile of the response time.

Run smaller with, for example,
``python bench/bench_media.py --photos 200 --items 10000 --upload-mb 100``.
"""

from pathlib import Path
import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time


REPOSITORY = Path(__file__).resolve().parents[1]
INSTANCE_YAML = REPOSITORY / "instance.yaml"
sys.path.insert(0, str(REPOSITORY / "bench"))

MAKERS = [f"Fotograaf {number}" for number in range(120)]
ORGANISATIONS = [f"Ministerie {number}" for number in range(40)]
SUBJECTS = [f"onderwerp{number}" for number in range(300)]
WORDS = "dijk haven brug water polder stad kust fiets trein school zorg".split()
LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "rights-reserved"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--upload-mb", type=int, default=500)
    # Set when this script runs itself inside a stopped instance.
    parser.add_argument("--config", type=Path)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if args.output is not None:
        return _fill_instance(args)

    from instance_script import run_in_instance

    password = secrets.token_urlsafe(16)
    environ = {"PRO_DEMO": "0", "PRO_ADMIN_PASSWORD": password}
    with tempfile.TemporaryDirectory(prefix="pro-bench-media-") as folder:
        var_dir = Path(folder) / "var"
        print(f"Uploading a {args.upload_mb} MB video ...", file=sys.stderr)
        upload = _measure_upload(var_dir, environ, password, args.upload_mb, folder)
        print(
            f"Ingesting {args.photos} photos, adding {args.items} entries ...",
            file=sys.stderr,
        )
        filled = run_in_instance(
            Path(__file__),
            INSTANCE_YAML,
            var_dir,
            "--photos",
            str(args.photos),
            "--items",
            str(args.items),
        )
        print(f"Timing {args.searches} searches ...", file=sys.stderr)
        search = _measure_search(var_dir, environ, args.searches)

    _report(args, upload, filled, search)
    return 0


def _report(args, upload: dict, filled: dict, search: dict) -> None:
    rows = [
        ("upload size", f"{upload['megabytes']} MB"),
        ("upload status", str(upload["status"])),
        ("upload time", f"{upload['seconds']:.1f} s"),
        ("server memory, idle", f"{upload['idle_mb']:.0f} MB"),
        ("server memory growth, upload", f"{upload['upload_growth_mb']:.0f} MB"),
        ("server memory growth, download", f"{upload['download_growth_mb']:.0f} MB"),
        ("photos ingested", str(filled["photos"])),
        ("ingest rate", f"{filled['photos_per_second']:.1f} items/s"),
        ("catalog entries searched", str(filled["entries"] + filled["photos"])),
        ("entries added", f"{filled['entries_seconds']:.0f} s"),
        ("searches", str(search["count"])),
        ("search median", f"{search['median'] * 1000:.0f} ms"),
        ("search p95", f"{search['p95'] * 1000:.0f} ms"),
    ]
    print("Mediatheek figures")
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def _measure_upload(var_dir, environ, password, megabytes, folder) -> dict:
    from pro.instance.process import ZopeProcess
    import psutil
    import requests

    video = Path(folder) / "big.avi"
    _make_video(video, megabytes)
    http = requests.Session()
    http.trust_env = False
    with ZopeProcess(INSTANCE_YAML, var_dir=var_dir, environ=environ) as zope:
        server = psutil.Process(zope.pid)
        http.get(f"{zope.url}/pro/mediatheek/@@zoeken", timeout=60)
        idle = server.memory_info().rss
        body = _MultipartFile(video, "files", "big.avi", "video/x-msvideo")
        with _PeakMemory(server) as upload_peak:
            started = time.perf_counter()
            response = http.post(
                f"{zope.url}/pro/mediatheek/@media-upload",
                data=body,
                headers={
                    "Content-Type": body.content_type,
                    "Content-Length": str(len(body)),
                    "Accept": "application/json",
                },
                auth=("admin", password),
                timeout=1800,
            )
            seconds = time.perf_counter() - started
        download_growth = 0.0
        if response.status_code == 201:
            url = response.json()["items"][0]["@id"] + "/@@download"
            with _PeakMemory(server) as download_peak:
                with http.get(
                    url, auth=("admin", password), stream=True, timeout=600
                ) as got:
                    for _chunk in got.iter_content(1 << 20):
                        pass
            download_growth = (download_peak.peak - idle) / 2**20
        video.unlink()
    return {
        "megabytes": megabytes,
        "status": response.status_code,
        "seconds": seconds,
        "idle_mb": idle / 2**20,
        "upload_growth_mb": (upload_peak.peak - idle) / 2**20,
        "download_growth_mb": max(download_growth, 0.0),
    }


def _make_video(path: Path, megabytes: int) -> None:
    """Raw 1280×720 frames in AVI: ``megabytes`` MB, written in seconds."""
    frame_bytes = 1280 * 720 * 3 // 2
    frames = max(int(megabytes * 2**20 / frame_bytes), 1)
    subprocess.run(
        [
            shutil.which("ffmpeg") or "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=1280x720:rate=25",
            "-frames:v",
            str(frames),
            "-c:v",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=600,
    )


class _MultipartFile:
    """A one-file multipart/form-data body read from disk as it is sent."""

    def __init__(self, path: Path, field: str, filename: str, media_type: str):
        self.boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self._head = (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._size = path.stat().st_size
        self._file = path.open("rb")
        self._parts = [self._head]

    def __len__(self) -> int:
        return len(self._head) + self._size + len(self._tail)

    def read(self, size: int = -1) -> bytes:
        if self._parts:
            return self._parts.pop()
        if self._file.closed:
            return b""
        chunk = self._file.read(size if size and size > 0 else 1 << 20)
        if chunk:
            return chunk
        self._file.close()
        return self._tail


class _PeakMemory:
    """Samples a process's resident memory while the block runs."""

    def __init__(self, process) -> None:
        self.process = process
        self.peak = process.memory_info().rss
        self._running = False

    def __enter__(self) -> "_PeakMemory":
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._running = False
        self._thread.join()

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.05)


def _measure_search(var_dir, environ, count: int) -> dict:
    from measure_sites import percentile
    from pro.instance.process import ZopeProcess
    import requests

    http = requests.Session()
    http.trust_env = False
    chooser = random.Random(7)
    seconds = []
    with ZopeProcess(INSTANCE_YAML, var_dir=var_dir, environ=environ) as zope:
        url = f"{zope.url}/pro/mediatheek/@media-search"
        for number in range(count + 5):
            params = _random_query(chooser)
            started = time.perf_counter()
            response = http.get(
                url, params=params, headers={"Accept": "application/json"}, timeout=60
            )
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if number >= 5:  # the first requests warm the caches
                seconds.append(elapsed)
    return {
        "count": len(seconds),
        "median": statistics.median(seconds),
        "p95": percentile(seconds, 95),
    }


def _random_query(chooser: random.Random) -> dict:
    query = {}
    if chooser.random() < 0.5:
        query["SearchableText"] = chooser.choice(WORDS)
    facets = {
        "kind": lambda: chooser.choice(["photo", "video", "audio"]),
        "maker": lambda: chooser.choice(MAKERS),
        "organisation": lambda: chooser.choice(ORGANISATIONS),
        "year": lambda: str(chooser.randint(2000, 2025)),
        "subject": lambda: chooser.choice(SUBJECTS),
        "licence": lambda: chooser.choice(LICENCES),
    }
    for name in chooser.sample(sorted(facets), chooser.randint(0, 2)):
        query[name] = facets[name]()
    query["sort_on"] = chooser.choice(["newest", "title", "made"])
    return query


def _fill_instance(args) -> int:
    """In a stopped instance: ingest photos, then add catalog entries."""
    from pro.instance.bootstrap import platform_as_admin
    from pro.instance.config import load_config

    config = load_config(args.config, os.environ)
    with platform_as_admin(config, config.zope_conf_path) as portal:
        mediatheek = portal["mediatheek"]
        ingest_seconds = _ingest_photos(mediatheek, args.photos)
        entries_seconds = _add_entries(portal, mediatheek, args.items)
    figures = {
        "photos": args.photos,
        "photos_per_second": args.photos / ingest_seconds if ingest_seconds else 0,
        "entries": args.items,
        "entries_seconds": entries_seconds,
    }
    args.output.write_text(json.dumps(figures), encoding="utf-8")
    return 0


def _ingest_photos(mediatheek, count: int) -> float:
    from io import BytesIO
    from PIL import Image
    from pro.media.ingest import ingest_many
    from pro.media.ingest import Upload
    import transaction

    chooser = random.Random(3)
    photos = []
    for number in range(count):
        image = Image.new(
            "RGB",
            (1600, 1067),
            (chooser.randrange(256), chooser.randrange(256), chooser.randrange(256)),
        )
        exif = Image.Exif()
        exif[0x013B] = chooser.choice(MAKERS)
        exif[0x010E] = f"{chooser.choice(WORDS)} {chooser.choice(WORDS)}"
        out = BytesIO()
        image.save(out, "JPEG", quality=85, exif=exif)
        photos.append((f"foto-{number:05d}.jpg", out.getvalue()))

    started = time.perf_counter()
    for offset in range(0, count, 50):
        batch = photos[offset : offset + 50]
        ingest_many(
            mediatheek,
            [Upload(name, BytesIO(data), "image/jpeg") for name, data in batch],
        )
        transaction.commit()
    return time.perf_counter() - started


def _add_entries(portal, mediatheek, count: int) -> float:
    """Catalog entries of published media items, without their files.

    Each entry is made from an item object that is catalogued but never
    stored, so the catalog holds what the search reads while the database
    does not grow by 50,000 files.
    """
    from DateTime import DateTime
    from datetime import date
    from plone.uuid.interfaces import ATTRIBUTE_NAME
    from pro.media.content import MediaAudio
    from pro.media.content import MediaPhoto
    from pro.media.content import MediaVideo
    from Products.CMFCore.utils import getToolByName
    import transaction
    import uuid

    catalog = getToolByName(portal, "portal_catalog")
    base = "/".join(mediatheek.getPhysicalPath())
    chooser = random.Random(11)
    kinds = (
        [(MediaPhoto, "MediaPhoto")] * 8
        + [(MediaVideo, "MediaVideo")]
        + [(MediaAudio, "MediaAudio")]
    )
    started = time.perf_counter()
    now = DateTime()
    for number in range(count):
        klass, type_name = chooser.choice(kinds)
        item = klass(id=f"entry-{number:06d}")
        item.portal_type = type_name
        setattr(item, ATTRIBUTE_NAME, uuid.uuid4().hex)
        item.title = (
            f"{chooser.choice(WORDS).capitalize()} {chooser.choice(WORDS)} {number}"
        )
        item.caption = " ".join(chooser.choice(WORDS) for _ in range(8))
        item.maker = chooser.choice(MAKERS)
        item.organisation = chooser.choice(ORGANISATIONS)
        item.licence = chooser.choice(LICENCES)
        item.subjects = tuple(chooser.sample(SUBJECTS, 3))
        item.date_made = date(chooser.randint(2000, 2025), 1, 1)
        item.width, item.height = chooser.choice(
            [(1600, 1067), (1067, 1600), (800, 800)]
        )
        item.creation_date = now
        item.workflow_history = {
            "pro_media_workflow": (
                {
                    "review_state": "published",
                    "action": "publish",
                    "actor": "admin",
                    "time": now,
                    "comments": "",
                },
            )
        }
        wrapped = item.__of__(mediatheek)
        catalog.catalog_object(wrapped, uid=f"{base}/{item.getId()}")
        if number % 5000 == 4999:
            transaction.commit()
    transaction.commit()
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
