#!/usr/bin/env python3
"""Validate every FHIR bundle in a folder (NoteMiner's `<out>/fhir/*.json`) as FHIR R4.

Usage: scripts/eval/validate_fhir.py <fhir-folder>

Validation uses the `fhir.resources` package from PyPI. Its 6.0-6.2 line models FHIR R4 (4.0.1) at the top
level; 6.4+ moved to R4B (4.3.0) and 7+ to R5, so the version is pinned to 6.2.2 together with the pydantic 1.x it
is written for. The script installs both into a venv at .build/venv-eval (beside this repository's Package.swift)
on first use and re-runs itself there.

Checks per bundle: it parses as an R4 Bundle (element names, types, cardinalities, required elements, no unknown
elements; fhir.resources forbids extra fields), the codes of the required-binding status elements NoteMiner
emits are from their R4 value sets (fhir.resources checks only that they are codes), its type is `collection`, every entry has a `urn:uuid:` fullUrl matching its resource id, and every reference resolves inside
the bundle (to an entry's fullUrl, or `#id` to a contained resource). Exit status 0 only if at least one bundle
was found and all pass; the last line is `fhir: N passed, N failed`.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

PINS = ["fhir.resources==6.2.2", "pydantic==1.10.27"]
R4_VERSION = "4.0.1"
REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".build" / "venv-eval"


def ensure_environment():
    """Re-executes inside .build/venv-eval with the pinned packages unless already there."""
    try:
        import fhir.resources as fr  # noqa: F401
        if getattr(fr, "__fhir_version__", None) == R4_VERSION:
            return
    except ImportError:
        pass
    if os.environ.get("NOTEMINER_VALIDATE_FHIR_REEXEC"):
        sys.exit(f"validate_fhir: {VENV} does not provide fhir.resources for FHIR {R4_VERSION}")
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    check = subprocess.run([str(py), "-c", "import fhir.resources as f; print(f.__fhir_version__)"],
                           capture_output=True, text=True)
    if check.stdout.strip() != R4_VERSION:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", *PINS], check=True)
    env = dict(os.environ, NOTEMINER_VALIDATE_FHIR_REEXEC="1")
    os.execve(str(py), [str(py), str(Path(__file__).resolve()), *sys.argv[1:]], env)


# Required bindings (R4 4.0.1) of the coded elements NoteMiner writes: resourceType -> element -> allowed codes.
REQUIRED_CODES = {
    "MedicationStatement": {"status": {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold",
                                       "unknown", "not-taken"}},
    "FamilyMemberHistory": {"status": {"partial", "completed", "entered-in-error", "health-unknown"}},
    "AdverseEvent": {"actuality": {"actual", "potential"}},
}
CONDITION_CODES = {
    "clinicalStatus": ("http://terminology.hl7.org/CodeSystem/condition-clinical",
                       {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}),
    "verificationStatus": ("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                           {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}),
}


def binding_problems(resource):
    kind = resource.get("resourceType")
    out = []
    for element, allowed in REQUIRED_CODES.get(kind, {}).items():
        if resource.get(element) not in allowed:
            out.append(f"{kind}.{element} {resource.get(element)!r} is not in its required value set")
    if kind == "Condition":
        for element, (system, allowed) in CONDITION_CODES.items():
            for coding in (resource.get(element) or {}).get("coding") or []:
                if coding.get("system") != system or coding.get("code") not in allowed:
                    out.append(f"Condition.{element} {coding.get('system')}#{coding.get('code')} is not in its value set")
        ver = [c.get("code") for c in (resource.get("verificationStatus") or {}).get("coding") or []]
        if "entered-in-error" in ver and resource.get("clinicalStatus"):
            out.append("Condition con-5: clinicalStatus present although verificationStatus is entered-in-error")
    return out


def references(value):
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value["reference"]
        for v in value.values():
            yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)


def check_bundle(path):
    from fhir.resources.bundle import Bundle
    from pydantic import ValidationError

    problems = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return [f"not JSON: {e}"], 0
    try:
        Bundle.parse_obj(data)
    except ValidationError as e:
        problems.append("R4 validation: " + str(e).replace("\n", "\n    "))
    if data.get("type") != "collection":
        problems.append(f"Bundle.type is {data.get('type')!r}, expected 'collection'")
    entries = data.get("entry") or []
    full_urls = set()
    for i, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        url = entry.get("fullUrl", "")
        if url != "urn:uuid:" + str(resource.get("id")):
            problems.append(f"entry[{i}] fullUrl {url!r} does not match resource id {resource.get('id')!r}")
        if url in full_urls:
            problems.append(f"entry[{i}] duplicate fullUrl {url}")
        full_urls.add(url)
    for i, entry in enumerate(entries):
        resource = entry.get("resource") or {}
        problems += [f"entry[{i}] {p}" for p in binding_problems(resource)]
        contained = {c.get("id") for c in resource.get("contained") or []}
        for ref in references(resource):
            ok = ref[1:] in contained if ref.startswith("#") else ref in full_urls
            if not ok:
                problems.append(f"entry[{i}] ({resource.get('resourceType')}) reference {ref!r} does not resolve in the bundle")
    return problems, len(entries)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    folder = Path(sys.argv[1])
    if not folder.is_dir():
        sys.exit(f"validate_fhir: {folder} is not a folder")
    ensure_environment()
    files = sorted(p for p in folder.iterdir() if p.suffix == ".json" and p.is_file())
    passed = failed = resources = 0
    for path in files:
        problems, n = check_bundle(path)
        resources += n
        if problems:
            failed += 1
            print(f"{path}: INVALID")
            for p in problems:
                print("  - " + p)
        else:
            passed += 1
    print(f"validated {len(files)} bundle(s) with {resources} resource(s) against FHIR R4 {R4_VERSION}")
    if not files:
        print(f"validate_fhir: no *.json bundles in {folder}")
    print(f"fhir: {passed} passed, {failed} failed")
    sys.exit(0 if files and failed == 0 else 1)


if __name__ == "__main__":
    main()
