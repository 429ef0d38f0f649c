"""Audio and video read by FFmpeg's own programs, run as bounded subprocesses.

``ffprobe`` describes a file's container and streams as JSON and ``ffmpeg``
takes a video's poster frame. Both come from Debian's ``ffmpeg`` package; no
maintained Python library reads as many formats, and running the programs
keeps a damaged file's decoder crash out of the Zope process. They read the
stored blob from disk, so a large video is never held in memory, and each
run is cut off after :data:`PROBE_TIMEOUT` seconds.
"""

from pro.media import logger
from pro.media.exceptions import MetadataUnreadable
import json
import os
import shutil
import subprocess
import tempfile


PROBE_TIMEOUT = 60
POSTER_TIMEOUT = 120
POSTER_WIDTH = 1920


def probe(path: str) -> dict:
    """``ffprobe``'s description of the file at ``path``.

    :raises MetadataUnreadable: when ffprobe is missing, fails, takes too
        long or prints no JSON; the file is then no audio or video it reads.
    """
    command = [
        _program("ffprobe"),
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        path,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=PROBE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise MetadataUnreadable(
            f"ffprobe took longer than {PROBE_TIMEOUT} s"
        ) from None
    if done.returncode != 0:
        raise MetadataUnreadable(done.stderr.decode("utf-8", "replace").strip())
    try:
        described = json.loads(done.stdout or b"{}")
    except ValueError:
        raise MetadataUnreadable("ffprobe printed no JSON") from None
    if not isinstance(described, dict):
        raise MetadataUnreadable("ffprobe printed no description")
    return described


def poster_frame(path: str, duration: float | None) -> str | None:
    """Take a still from the video at ``path``; answer the JPEG's path.

    The frame is taken one second in (or halfway into a shorter video), at
    most :data:`POSTER_WIDTH` pixels wide. The caller removes the file.

    :returns: None when no frame could be taken; the video is kept anyway.
    """
    at = min(1.0, (duration or 0) / 2)
    handle, target = tempfile.mkstemp(prefix="pro-poster-", suffix=".jpg")
    os.close(handle)
    command = [
        _program("ffmpeg"),
        "-v",
        "error",
        "-y",
        "-ss",
        f"{at:.3f}",
        "-i",
        path,
        "-frames:v",
        "1",
        "-vf",
        f"scale='min({POSTER_WIDTH},iw)':-2",
        "-f",
        "image2",
        target,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=POSTER_TIMEOUT, check=False
        )
        taken = done.returncode == 0 and os.path.getsize(target) > 0
    except (subprocess.TimeoutExpired, OSError):
        taken = False
    if not taken:
        logger.warning("No poster frame could be taken from %s", path)
        os.unlink(target)
        return None
    return target


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise MetadataUnreadable(
            f"{name} is not installed; install Debian's ffmpeg package"
        )
    return found
