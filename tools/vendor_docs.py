"""Vendor the API documentation pages' JavaScript and CSS from the npm registry, at pinned versions.

``python -m tools.vendor_docs`` runs ``npm pack`` for each package below, checks the tarball against the
registry's recorded integrity (SHA-512), and copies the few files the pages load, with the package's
licence, into ``service/docs_assets/<package>-<version>/``. To upgrade: change a version and its
integrity (``npm view PACKAGE@VERSION dist.integrity``), run this, and delete the old folder.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ASSETS", "PACKAGES", "Package", "main"]

ASSETS = Path(__file__).resolve().parents[1] / "service" / "docs_assets"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str
    folder: str
    # Path inside the tarball → file name in the vendored folder.
    files: dict[str, str] = field(default_factory=dict)
    # The licence, when the tarball lacks one (the package declares it in package.json only).
    licence: str | None = None


# https://github.com/scalar/scalar/blob/main/LICENSE (package.json says MIT; the tarball ships no licence).
_SCALAR_LICENCE = """MIT License

Copyright (c) 2023-present Scalar

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

PACKAGES = (
    Package(
        name="@scalar/api-reference",
        version="1.76.0",
        integrity="sha512-pjqwnzmA9YK3ZX+IZSICMsywm4qI6HLSngR2py9H6TvFApHHuJjkTAd+gFJfnqJDzJuro8k7ji6JCtJ2U+Byng==",
        folder="scalar-api-reference-1.76.0",
        files={"package/dist/browser/standalone.js": "standalone.js", "package/package.json": "package.json"},
        licence=_SCALAR_LICENCE,
    ),
    Package(
        name="swagger-ui-dist",
        version="5.32.0",
        integrity="sha512-nKZB0OuDvacB0s/lC2gbge+RigYvGRGpLLMWMFxaTUwfM+CfndVk9Th2IaTinqXiz6Mn26GK2zriCpv6/+5m3Q==",
        folder="swagger-ui-dist-5.32.0",
        files={
            "package/swagger-ui-bundle.js": "swagger-ui-bundle.js",
            "package/swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
            "package/swagger-ui-standalone-preset.js": "swagger-ui-standalone-preset.js",
            "package/swagger-ui-standalone-preset.js.LICENSE.txt": (
                "swagger-ui-standalone-preset.js.LICENSE.txt"
            ),
            "package/swagger-ui.css": "swagger-ui.css",
            "package/favicon-32x32.png": "favicon-32x32.png",
            "package/LICENSE": "LICENSE",
            "package/NOTICE": "NOTICE",
            "package/package.json": "package.json",
        },
    ),
)


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def vendor(package: Package, work: Path) -> Path:
    """Fetch, check and unpack one package; returns its vendored folder."""
    spec = f"{package.name}@{package.version}"
    command = ["npm", "pack", spec, "--pack-destination", str(work)]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 (pinned spec, npm on PATH)
    (tarball,) = work.glob("*.tgz")
    data = tarball.read_bytes()
    if _integrity(data) != package.integrity:
        raise SystemExit(f"{spec}: the tarball does not match the pinned integrity")
    target = ASSETS / package.folder
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        for inner, name in package.files.items():
            source = archive.extractfile(inner)
            if source is None:
                raise SystemExit(f"{spec}: {inner} is not a file")
            (target / name).write_bytes(source.read())
    if package.licence is not None:
        (target / "LICENSE").write_text(package.licence, encoding="utf-8")
    tarball.unlink()
    return target


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        for package in PACKAGES:
            folder = vendor(package, Path(work))
            print(f"{package.name}@{package.version} -> {folder.relative_to(ASSETS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
