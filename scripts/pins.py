"""Compare the Python packages installed with the pins of a requirements file.

Usage: pins.py FILE   (its `-r OTHER` lines are read too)
Prints each pinned requirement (for this Python, markers evaluated) that is missing or
installed at another version, and exits 1 if there is one; exits 0 when all match.
Reads only the installed packages' metadata: no network, no pip.
"""

import importlib.metadata
import os
import re
import sys

try:
    from packaging.requirements import Requirement
except ImportError:  # packaging comes with pytest; before the first setup, pip's own copy
    from pip._vendor.packaging.requirements import Requirement


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions():
    versions = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonical(name), dist.version)
    return versions


def pins(path):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if text.startswith("-r "):  # another file, relative to this one (as pip reads it)
                yield from pins(os.path.join(os.path.dirname(path), text[3:].strip()))
            elif text:
                requirement = Requirement(text)
                if requirement.marker is None or requirement.marker.evaluate():
                    yield requirement


def main():
    installed = installed_versions()
    differ = []
    for requirement in pins(sys.argv[1]):
        version = installed.get(canonical(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            differ.append(f"{requirement.name}{requirement.specifier} (installed: {version or 'none'})")
    if differ:
        print("\n".join(differ))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
