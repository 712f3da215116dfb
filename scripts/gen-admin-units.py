#!/usr/bin/env python3
"""Generate Vietnam's official administrative-unit lists into crates/hocvuso-store/data.

Source: the PyPI package `vietnamadminunits` 1.0.4 (https://github.com/tranngocminhhieu/vietnamadminunits),
MIT licence, Copyright (c) 2025 Tran Ngoc Minh Hieu. Read from its files, not its Python API:
  data/dataset.db           SQLite; table admin_units (34 provinces, 3,321 communes, QĐ 19/2025/QĐ-TTg
                            codes, in force since 1/7/2025) and admin_units_legacy (63-province era).
  data/converter_2025.json  old commune key -> new commune key(s).
Rerun from the repository root:
  pip install vietnamadminunits==1.0.4 && python3 scripts/gen-admin-units.py
Output is deterministic: sorted rows, UTF-8 NFC text, LF line endings, CSV (RFC 4180 quoting) with a header.
"""

import csv
import importlib.metadata
import importlib.util
import json
import sqlite3
import unicodedata
from pathlib import Path

VERSION = "1.0.4"
PKG = Path(importlib.util.find_spec("vietnamadminunits").origin).parent / "data"
OUT = Path(__file__).resolve().parent.parent / "crates" / "hocvuso-store" / "data"
PROVINCE_KIND = {"Thành phố": "thanh_pho", "Tỉnh": "tinh"}
COMMUNE_KIND = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
# admin_units.wardType contradicts the name's type word for these four codes (two swapped pairs);
# vietnam-provinces 2026.9.0 (NSO data) agrees with the names, so the kind comes from the name.
WARDTYPE_ERRATA = {"10543", "11848", "31213", "31299"}


def nfc(text):
    return unicodedata.normalize("NFC", text.strip())


def kind_of(name, kinds):
    """Kind from the leading type word of a full name, e.g. 'Đặc khu Côn Đảo' -> 'dac_khu'."""
    matches = [kind for word, kind in kinds.items() if name.startswith(word + " ")]
    if len(matches) != 1:
        raise SystemExit(f"cannot tell the kind of {name!r}")
    return matches[0]


def write(name, header, rows):
    with open(OUT / name, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main():
    if importlib.metadata.version("vietnamadminunits") != VERSION:
        raise SystemExit(f"need vietnamadminunits=={VERSION}")
    db = sqlite3.connect(PKG / "dataset.db")
    units = db.execute(
        "SELECT provinceCode, province, wardCode, ward, wardType, provinceKey, wardKey FROM admin_units"
    ).fetchall()

    provinces = sorted({(p, nfc(pn), kind_of(nfc(pn), PROVINCE_KIND)) for p, pn, *_ in units})
    communes = sorted((w, p, nfc(wn), kind_of(nfc(wn), COMMUNE_KIND)) for p, _, w, wn, *_ in units)
    errata = {w for _, _, w, wn, wt, *_ in units if kind_of(nfc(wn), COMMUNE_KIND) != COMMUNE_KIND[nfc(wt)]}
    assert errata == WARDTYPE_ERRATA, f"wardType/name disagreements changed: {sorted(errata)}"
    new_code = {(pk, wk): w for _, _, w, _, _, pk, wk in units}
    assert len(new_code) == len(units) == len({c[0] for c in communes}), "duplicate keys or codes"

    # Legacy communes keyed like the converter: "<provinceKey>_<districtKey>_<wardKey>".
    legacy = {}
    for pk, dk, wk, code, wn, dn, pn in db.execute(
        "SELECT provinceKey, districtKey, wardKey, wardCode, ward, district, province FROM admin_units_legacy"
    ):
        # The package spells a few type words "Thị Trấn"; use the usual "Thị trấn".
        legacy[f"{pk}_{dk}_{wk or ''}"] = (code, nfc(wn or "").replace("Thị Trấn ", "Thị trấn "), nfc(dn), nfc(pn))

    conv = json.loads((PKG / "converter_2025.json").read_text(encoding="utf-8"))
    targets = {}  # legacy key -> set of new commune codes
    for pk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():  # merged whole into one new commune
        for wk, old_keys in wards.items():
            for old in old_keys:
                targets.setdefault(old, set()).add(new_code[(pk, wk)])
    for pk, splits in conv["DICT_PROVINCE_WARD_DIVIDED"].items():  # split across several new communes
        for old, parts in splits.items():
            targets.setdefault(old, set()).update(new_code[(pk, part["newWardKey"])] for part in parts)
    assert set(targets) == set(legacy), "converter and admin_units_legacy disagree"
    assert {c for codes in targets.values() for c in codes} == {c[0] for c in communes}, "new commune unreached"

    # Island districts without communes (huyện Côn Đảo, Lý Sơn...) have no commune code: not in the CSV.
    islands = sorted((legacy[k][3], legacy[k][2], *targets[k]) for k in legacy if legacy[k][0] is None)
    legacy_rows = sorted((*legacy[k], c) for k in legacy if legacy[k][0] is not None for c in targets[k])
    split = sum(1 for k in legacy if legacy[k][0] is not None and len(targets[k]) > 1)

    # The expected counts (vietnam.md §3.1) and the Quỳ Châu example (§3.2). Fail loudly otherwise.
    pk_count = [p[2] for p in provinces]
    ck_count = [c[3] for c in communes]
    assert (len(provinces), pk_count.count("thanh_pho"), pk_count.count("tinh")) == (34, 6, 28), pk_count
    assert (len(communes), ck_count.count("xa"), ck_count.count("phuong"), ck_count.count("dac_khu")) == (
        3321, 2621, 687, 13), len(communes)
    by_code = {c[0]: c for c in communes}
    for code, name in [("16777", "Xã Quỳ Châu"), ("16792", "Xã Châu Tiến"), ("16801", "Xã Hùng Chân"),
                       ("16804", "Xã Châu Bình")]:
        assert by_code[code][1:] == ("40", name, "xa"), by_code.get(code)
    assert ("16789", "Xã Châu Nga", "Huyện Quỳ Châu", "Tỉnh Nghệ An", "16777") in legacy_rows, "Châu Nga"
    assert len(islands) == 5 and all(by_code[i[2]][3] == "dac_khu" for i in islands), islands

    OUT.mkdir(parents=True, exist_ok=True)
    write("provinces.csv", ["province_code", "name", "kind"], provinces)
    write("communes.csv", ["commune_code", "province_code", "name", "kind"], communes)
    write("legacy_communes.csv", ["legacy_commune_code", "legacy_name", "legacy_district_name",
                                  "legacy_province_name", "commune_code"], legacy_rows)
    n_old = len({r[0] for r in legacy_rows})
    island_lines = "\n".join(f"  - {d}, {p} → {c} {by_code[c][2]}" for p, d, c in islands)
    readme = f"""# Administrative units (generated; do not edit by hand)

Vietnam's provinces and commune-level units in force since 1/7/2025, with the official
QĐ 19/2025/QĐ-TTg codes, and the mapping from pre-2025 (63-province era) communes to them.

| File | Columns | Rows |
|---|---|---|
| `provinces.csv` | `province_code` (2 digits, e.g. `01`), `name` (full, e.g. "Thành phố Hà Nội"), `kind` (`thanh_pho` or `tinh`) | {len(provinces)} |
| `communes.csv` | `commune_code` (5 digits, e.g. `00004`), `province_code`, `name` (full, e.g. "Xã Quỳ Châu"), `kind` (`xa`, `phuong` or `dac_khu`) | {len(communes)} |
| `legacy_communes.csv` | `legacy_commune_code` (old 5-digit code), `legacy_name`, `legacy_district_name`, `legacy_province_name` (full old names), `commune_code` (the new commune it became part of) | {len(legacy_rows)} |

Counts: {len(provinces)} provinces ({pk_count.count("thanh_pho")} thanh_pho, {pk_count.count("tinh")} tinh);
{len(communes)} communes ({ck_count.count("xa")} xa, {ck_count.count("phuong")} phuong, {ck_count.count("dac_khu")} dac_khu);
{len(legacy_rows)} legacy rows for {n_old} old communes, of which {split} were split across several new
communes (one row per new commune, so `legacy_commune_code` alone is not unique).

Notes:
- Codes are text with leading zeros. Names are the full names with their type word, as the source gives them.
- `kind` is taken from the type word at the start of `name`. The source's `wardType` field disagrees
  with the name for {", ".join(sorted(WARDTYPE_ERRATA))}; the names match the NSO list there.
- Spelling follows the source: the newer tone placement ("Hòa", "Thủy", "Úy", never "Hoà") and an ASCII
  apostrophe ("Xã Ea H'Leo"). Other lists write "Hoà" or "’": compare names with a tone-placement-insensitive key.
- Old districts that had no communes are not in `legacy_communes.csv` (they have no commune code):
{island_lines}

Source: PyPI package `vietnamadminunits` {VERSION} (files `data/dataset.db` and `data/converter_2025.json`),
https://github.com/tranngocminhhieu/vietnamadminunits. Licence: MIT,
"Copyright (c) 2025 Tran Ngoc Minh Hieu".

Regenerate from the repository root:

    pip install vietnamadminunits=={VERSION} && python3 scripts/gen-admin-units.py
"""
    (OUT / "README.md").write_text(readme, encoding="utf-8", newline="\n")
    print(f"{len(provinces)} provinces, {len(communes)} communes, {len(legacy_rows)} legacy rows "
          f"({n_old} old communes, {split} split); wrote {OUT}")


if __name__ == "__main__":
    main()
