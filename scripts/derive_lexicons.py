#!/usr/bin/env python3
"""Derive NoteMiner's coded tables from two public PyPI packages.

  Lexicons/icd10cm_codes.tsv  every ICD-10-CM category and code (dotted form), description, billable flag,
                              from simple-icd-10-cm (which ships the CMS/NCHS code files; ICD-10-CM is public domain).
  Lexicons/drugs.tsv          the hand-curated ingredient list in scripts/lexicon_sources/ (classes, abbreviations,
                              common brands), with ids, brand names and salt-form synonyms looked up in
                              drug-named-entity-recognition's dictionary (DrugBank open vocabulary, CC0; MeSH).

The packages are installed into .build/venv-lexicons (git-ignored) at pinned versions and the script re-runs itself
there. Output is sorted and carries no wall-clock date, so re-running gives byte-identical files.

Usage: scripts/derive_lexicons.py [--check]   (--check: derive into memory and fail if the files differ)
"""
import os
import re
import subprocess
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "venv-lexicons")
VENV_PY = os.path.join(VENV, "bin", "python")
PINS = {"simple-icd-10-cm": "1.5.0", "drug-named-entity-recognition": "2.0.9"}
SOURCES = os.path.join(ROOT, "scripts", "lexicon_sources")
LEXICONS = os.path.join(ROOT, "Lexicons")


def ensure_venv():
    """Create the venv and install the pinned packages, then re-exec inside it."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PY):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    wanted = [f"{name}=={version}" for name, version in PINS.items()]
    probe = subprocess.run([VENV_PY, "-m", "pip", "show", *PINS], capture_output=True, text=True)
    installed = dict(re.findall(r"^Name: (\S+)\nVersion: (\S+)", probe.stdout, re.M))
    normalized = {k.lower().replace("_", "-"): v for k, v in installed.items()}
    if any(normalized.get(name) != version for name, version in PINS.items()):
        subprocess.check_call([VENV_PY, "-m", "pip", "install", "--quiet", *wanted])
    os.execv(VENV_PY, [VENV_PY, os.path.abspath(__file__), *sys.argv[1:]])


# ---------------------------------------------------------------------------------------------------------------
# ICD-10-CM


def derive_icd10cm():
    import simple_icd_10_cm as cm
    from simple_icd_10_cm import simple_icd_10_cm as impl

    release = impl._all_codes_package_file_name  # e.g. code-list-April-2026.txt
    rows = []
    for code in cm.get_all_codes(with_dots=True):
        if not cm.is_category_or_subcategory(code):
            continue  # chapters ("1") and blocks ("A00-A09") are not codes
        desc = " ".join(cm.get_description(code).split())
        rows.append((code, desc, "1" if cm.is_leaf(code) else "0"))
    rows.sort()
    header = [
        "# schema_version: 1",
        f"# source: simple-icd-10-cm {PINS['simple-icd-10-cm']} (PyPI, MIT licence), data files {release} and "
        f"{impl._classification_data_package_file_name}",
        "# release: ICD-10-CM FY2026 (April 1, 2026 update) published by CMS/NCHS; ICD-10-CM is in the public domain",
        "# derived_by: scripts/derive_lexicons.py",
        "# format: code in dotted form (E11.9; three-character categories have no dot); billable 1 = valid for "
        "HIPAA-covered transactions (a leaf of the tabular list), 0 = a header category",
        "code\tdescription\tbillable",
    ]
    return "\n".join(header + ["\t".join(r) for r in rows]) + "\n", len(rows)


# ---------------------------------------------------------------------------------------------------------------
# Drugs

DERIVED_TERM = re.compile(r"^[a-z][a-z0-9]*(?:[ -][a-z0-9]+){0,3}$")
# Brand names in the package that are ordinary English or clinical words and would fire on non-drug text.
BRAND_STOPLIST = {
    "adult", "advanced", "allergy", "ativan", "balance", "bayer", "bonine", "care", "clear", "cold", "comfort",
    "complete", "control", "cough", "daily", "fever", "flu", "formula", "gas", "headache", "heartburn", "junior",
    "mucus", "nasal", "night", "pain", "plus", "regular", "relief", "sinus", "sleep", "strength", "tablet", "tension",
    "triple", "ultra", "calm", "ease", "rest", "stop", "sure", "zone", "alert", "active", "pure", "cure", "zide",
    "nitro", "nova", "prime", "vital", "sone", "cortan", "panasol", "modus", "banan", "thein",
}


CHEMICAL_PARTS = ("acid", "chlor", "hydr", "methyl", "ethyl", "phenyl", "benz", "amino", "oxy", "pyr", "sulf",
                  "nitr", "carb", "phosph", "fluor", "brom", "iod")
FOREIGN_ENDINGS = ("um", "ina", "ine", "ino", "ide", "ate", "ol", "id", "o", "e", "ico", "ica")


def looks_like_brand(variant, name):
    """The package marks only a few variants as brands; the rest are brands, INN spellings in other languages,
    chemical names and scraping noise. Keep a single-word variant as a brand only when it is not a respelling of
    the ingredient, not a chemical name and not foreign-looking, to trade some recall for no nonsense terms."""
    import difflib

    if not re.fullmatch(r"[a-z]{5,14}", variant):
        return False
    if difflib.SequenceMatcher(None, variant, name).ratio() >= 0.5 or variant[:4] == name[:4]:
        return False
    if any(part in variant for part in CHEMICAL_PARTS):
        return False
    return not variant.endswith(FOREIGN_ENDINGS)


def slug(name):
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def title(term):
    return "-".join(" ".join(w[:1].upper() + w[1:] for w in part.split(" ")) for part in term.split("-"))


def read_classes():
    order, classes, aliases = [], {}, {}
    current = None
    with open(os.path.join(SOURCES, "drug_classes.txt"), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                current = line.strip("[]")
                continue
            if current is None:
                sys.exit(f"drug_classes.txt:{lineno}: ingredient before any [class]")
            for item in (n.strip() for n in line.split(",")):
                if not item:
                    continue
                name, _, key = (x.strip() for x in item.partition("="))
                if key:
                    aliases[name] = key.replace(";", ",")  # "vitamin k = phytonadione": filed under another name ("," written ";")
                if name not in classes:
                    order.append(name)
                    classes[name] = []
                if current not in classes[name]:
                    classes[name].append(current)
    return order, classes, aliases


def read_overrides():
    out = {}
    with open(os.path.join(SOURCES, "drug_overrides.tsv"), encoding="utf-8") as f:
        header = None
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            if len(fields) != len(header):
                sys.exit(f"drug_overrides.tsv:{lineno}: expected {len(header)} fields, found {len(fields)}")
            row = dict(zip(header, fields))
            name = row["ingredient"].strip()
            if name in out:
                sys.exit(f"drug_overrides.tsv:{lineno}: duplicate ingredient {name}")
            out[name] = {k: [t.strip() for t in v.split("|") if t.strip()] for k, v in row.items() if k != "ingredient"}
    return out


def lexicon_terms(filename):
    """Lower-cased terms of a hand-written lexicon, so derived drug names never shadow a condition or effect."""
    path = os.path.join(LEXICONS, filename)
    terms = set()
    if not os.path.exists(path):
        return terms
    with open(path, encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            row = dict(zip(header, fields))
            for col in ("preferred_name", "synonyms", "abbreviations"):
                for t in row.get(col, "").split("|"):
                    if t.strip():
                        terms.add(t.strip().lower())
    return terms


def derive_drugs():
    import bz2
    import pickle

    import drug_named_entity_recognition as dner

    pkl = os.path.join(os.path.dirname(dner.__file__), "drug_ner_dictionary.pkl.bz2")
    with bz2.open(pkl, "rb") as f:
        data = pickle.load(f)
    variant_to_canonical = data["drug_variant_to_canonical"]
    canonical_data = data["drug_canonical_to_data"]
    variant_data = data["drug_variant_to_variant_data"]

    # A MeSH id shared by canonical drugs with different tree numbers (aspirin and acetaminophen both carry
    # D058633, "Antipyretics") is a pharmacological-action heading, not the ingredient: such ids are not used.
    mesh_trees = {}
    for canon, d in canonical_data.items():
        if d.get("mesh_id"):
            mesh_trees.setdefault(d["mesh_id"], set()).add(tuple(sorted(d.get("mesh_tree") or [])))

    variants_of = {}
    for variant, canons in variant_to_canonical.items():
        for c in canons:
            variants_of.setdefault(c, []).append(variant)

    order, classes, aliases = read_classes()
    overrides = read_overrides()
    unknown_overrides = sorted(set(overrides) - set(classes))
    if unknown_overrides:
        sys.exit(f"drug_overrides.tsv names ingredients missing from drug_classes.txt: {unknown_overrides}")
    reserved = lexicon_terms("conditions.tsv") | lexicon_terms("adverse_effects.tsv")

    entries, missing = [], []
    for name in order:
        key = aliases.get(name, name)
        canon = key if key in canonical_data else None
        if canon is None and key in variant_to_canonical and len(variant_to_canonical[key]) == 1:
            canon = variant_to_canonical[key][0]
        if canon is None or canon not in canonical_data:
            missing.append(name)
            continue
        d = canonical_data[canon]
        ids = []
        if d.get("drugbank_id"):
            ids.append(("DrugBank", d["drugbank_id"]))
        if d.get("mesh_id") and len(mesh_trees[d["mesh_id"]]) == 1:
            ids.append(("MeSH", d["mesh_id"]))
        if d.get("medline_plus_id") and re.fullmatch(r"[ad]\d{4,}", d["medline_plus_id"]):
            ids.append(("MedlinePlus", d["medline_plus_id"]))
        if not ids:
            missing.append(name)
            continue
        word = re.compile(r"(?:^|[ -])" + re.escape(name) + r"(?:$|[ -])")
        brands, synonyms = [], []
        for v in sorted(set(variants_of.get(canon, []))):
            if v == name or not DERIVED_TERM.match(v) or v in dner.drugs_finder.stopwords:
                continue
            labelled = variant_data.get(v, {}).get("is_brand")
            if labelled is True or (labelled is None and looks_like_brand(v, name)):
                if len(v) >= 4 and v not in BRAND_STOPLIST:
                    brands.append(title(v))
            elif word.search(v) and len(v.split()) <= 3:
                synonyms.append(v)  # salt and formulation forms: "metformin hydrochloride", "warfarin sodium"
        o = overrides.get(name, {})
        entries.append({
            "name": name, "ids": ids, "classes": classes[name],
            "derived_synonyms": synonyms, "derived_brands": brands,
            "synonyms": o.get("synonyms", []), "brands": o.get("brands", []),
            "abbreviations": o.get("abbreviations", []), "ambiguous": o.get("ambiguous", []),
        })

    # Resolve terms shared by two drugs: hand-curated terms win; a derived term claimed by more than one ingredient
    # (a combination-product brand) or equal to a condition/effect term is dropped rather than guessed.
    claims = {}
    for e in entries:
        for t in [e["name"]] + e["synonyms"] + e["brands"] + e["abbreviations"]:
            claims.setdefault(t.lower(), set()).add(("hand", e["name"]))
        for t in e["derived_synonyms"] + e["derived_brands"]:
            claims.setdefault(t.lower(), set()).add(("derived", e["name"]))
    dropped = 0
    for e in entries:
        keep_syn, keep_brand = [], []
        for bucket, keep in (("derived_synonyms", keep_syn), ("derived_brands", keep_brand)):
            for t in e[bucket]:
                owners = {n for _, n in claims[t.lower()]}
                if len(owners) > 1 or t.lower() in reserved:
                    dropped += 1
                    continue
                keep.append(t)
        e["all_synonyms"] = dedupe(e["synonyms"] + keep_syn, e["name"])
        e["all_brands"] = dedupe(e["brands"] + keep_brand, e["name"], e["all_synonyms"])

    entries.sort(key=lambda e: e["name"])
    header = [
        "# schema_version: 1",
        "# category: drug",
        f"# source: drug-named-entity-recognition {PINS['drug-named-entity-recognition']} (PyPI, MIT licence) "
        "dictionary: DrugBank open vocabulary (CC0), MeSH (NLM, public domain), MedlinePlus ids; brand names "
        "partly harvested by that package from Wikipedia (CC BY-SA 3.0)",
        "# curation: ingredient list, drug classes, abbreviations and common brands hand-written in "
        "scripts/lexicon_sources/ (NoteMiner project)",
        "# ids: id_system/code is DrugBank where the package gives it (RxNorm is not in the package and needs a "
        "UMLS licence); other_codes adds MeSH and MedlinePlus",
        "# derived_by: scripts/derive_lexicons.py",
        "id\tpreferred_name\tsynonyms\tbrands\tabbreviations\tambiguous\tid_system\tcode\tother_codes\tdrug_class",
    ]
    lines = []
    for e in entries:
        (system, code), others = e["ids"][0], e["ids"][1:]
        lines.append("\t".join([
            "drug:" + slug(e["name"]), e["name"], "|".join(e["all_synonyms"]), "|".join(e["all_brands"]),
            "|".join(e["abbreviations"]), "|".join(e["ambiguous"]), system, code,
            "|".join(f"{s}:{c}" for s, c in others), "; ".join(e["classes"]),
        ]))
    return "\n".join(header + lines) + "\n", len(entries), missing, dropped


def dedupe(terms, name, *others):
    seen = {name.lower()} | {t.lower() for group in others for t in group}
    out = []
    for t in terms:
        if t.lower() not in seen:
            seen.add(t.lower())
            out.append(t)
    return out


def main():
    ensure_venv()
    check = "--check" in sys.argv
    icd_text, icd_count = derive_icd10cm()
    drug_text, drug_count, missing, dropped = derive_drugs()
    outputs = {"icd10cm_codes.tsv": icd_text, "drugs.tsv": drug_text}
    stale = []
    for fname, text in outputs.items():
        path = os.path.join(LEXICONS, fname)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(fname)
            if not check:
                os.makedirs(LEXICONS, exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    print(f"icd10cm_codes.tsv: {icd_count} codes")
    print(f"drugs.tsv: {drug_count} ingredients; {dropped} shared or reserved derived terms dropped")
    if missing:
        print(f"not in the package (left out): {', '.join(missing)}")
    if check and stale:
        sys.exit(f"out of date: {', '.join(stale)} (run scripts/derive_lexicons.py)")


if __name__ == "__main__":
    main()
