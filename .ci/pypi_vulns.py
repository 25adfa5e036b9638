"""Audit the installed dependencies against PyPI's vulnerability data where pip-audit cannot.

pip-audit asks https://pypi.org/pypi/NAME/VERSION/json. Some registries (the mirror this
project's machines reach) serve only https://pypi.org/pypi/NAME/json, whose `vulnerabilities`
are PyPI's answer for the project's latest release. That is the same answer for an installed
version that IS the latest, and no answer at all for an older one. So this script:

  - uses the version's own JSON when the registry serves it (a full audit, as pip-audit does);
  - else uses the project's JSON when the installed version is its latest release;
  - else lists the package as NOT audited (it never guesses from a newer release's data).

Exit status 1 when any audited package has a known vulnerability, 0 otherwise; the packages
that could not be audited are printed loudly. Run with the venv's Python:
    .venv/bin/python .ci/pypi_vulns.py
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from importlib import metadata

PYPI = "https://pypi.org/pypi"


def fetch(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - a fixed https URL
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def editable(dist: metadata.Distribution) -> bool:
    direct = dist.read_text("direct_url.json")
    return bool(direct and json.loads(direct).get("dir_info", {}).get("editable"))


def main() -> int:
    found, unaudited, audited = [], [], 0
    seen = set()
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"].lower()):
        name, version = dist.metadata["Name"], dist.version
        if name.lower() in seen or editable(dist):
            continue
        seen.add(name.lower())
        try:
            data = fetch(f"{PYPI}/{name}/{version}/json")
            if data is None:
                project = fetch(f"{PYPI}/{name}/json")
                if project is None or project["info"]["version"] != version:
                    latest = project["info"]["version"] if project else "not on the registry"
                    unaudited.append(f"{name} {version} (latest {latest})")
                    continue
                data = project
        except (OSError, ValueError, KeyError) as error:  # the registry failed: say so, do not guess
            unaudited.append(f"{name} {version} (registry error: {error})")
            continue
        audited += 1
        for vuln in data.get("vulnerabilities") or []:
            if not vuln.get("withdrawn"):
                found.append(f"{name} {version}: {vuln['id']} {' '.join(vuln.get('aliases') or [])} "
                             f"fixed in {', '.join(vuln.get('fixed_in') or ['(no fix)'])}")
    for line in found:
        print(f"VULNERABLE {line}")
    print(f"audited {audited} packages against PyPI's vulnerability data: "
          f"{len(found)} known vulnerabilit{'y' if len(found) == 1 else 'ies'}")
    if unaudited:
        print(f"!! {len(unaudited)} packages NOT audited (no vulnerability data for the installed version: "
              "the registry serves it only for each project's latest release): " + "; ".join(unaudited))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
