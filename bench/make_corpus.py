"""Write a synthetic but realistic project of N claims, for benchmarks.

    python bench/make_corpus.py 10000 /tmp/corpus

The project folder gets claims.yaml (the repository's scale, qualifiers and confidence levels,
plus generated sources, claimants and claims of realistic length), seeds/, content/ and
mkdocs.yml, so `mkdocs build` runs in it. Each claim carries one rare word, `rareword<N>`,
so that searches for a single claim can be measured. Output is the same for the same N.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
START = date(2024, 1, 1).toordinal()
VOCABULARY = (
    "troops artillery shells containers training ministry intelligence satellite images port "
    "brigade deployment border casualties officials statement agency report estimate figure "
    "confirmed denied spokesman video footage equipment uniforms region front battalion ships "
    "missile launch debris sanctions monitoring treaty summit visit ratification president "
    "minister parliament analysts experts combat losses prisoners acknowledgment evidence "
    "sources independent verified geolocated language commands drones units airborne marines"
)
WORDS = VOCABULARY.split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(9, 18)) for _ in range(sentences))


def make_catalog(count: int, seed: int = 20241018) -> dict[str, object]:
    rng = random.Random(seed)
    base = yaml.safe_load((REPO / "claims.yaml").read_text("utf-8"))
    ratings = [rating["id"] for rating in base["ratings"]]
    # Qualifiers whose test the generated data would fail are left out: real archives are clean.
    qualifiers = [item["id"] for item in base["qualifiers"] if "test" not in item]
    levels = [level["id"] for level in base["confidence"]]
    sources = [
        {
            "id": f"source-{number}",
            "title": sentence(rng, 8).rstrip("."),
            "title_kind": "description",
            "publisher": f"Outlet {number % 150}",
            "date": date.fromordinal(START + number % 300),
            "kind": "news-report",
            "url": f"https://news{number % 150}.example.org/story/{number}",
        }
        for number in range(max(count // 5, 10))
    ]
    claimants = [
        {"id": f"claimant-{number}", "name": f"Claimant {number}", "kind": "official"}
        for number in range(max(count // 50, 5))
    ]
    claims = []
    for number in range(count):
        days = sorted(rng.sample(range(300), rng.randint(1, 3)))
        # The desk publishes after the claim was made; later entries are published changes.
        claimed = date.fromordinal(START + days[0] - rng.randint(0, 30))
        history = [
            {
                "date": date.fromordinal(START + day),
                "rating": rng.choice(ratings),
                "note": sentence(rng, 12),
            }
            for day in days
        ]
        claims.append(
            {
                "id": f"claim-{number}",
                "claim": f"{sentence(rng, 20)} rareword{number}",
                "short": sentence(rng, 8)[:70],
                "claimant": rng.choice(claimants)["id"],
                "claimed": claimed,
                "published": history[0]["date"],
                "appearances": [
                    {
                        "source": rng.choice(sources)["id"],
                        "quote": paragraph(rng, 2),
                        "accuracy": ratings[0],
                    }
                    for _ in range(rng.randint(1, 2))
                ],
                "rating": history[-1]["rating"],
                "confidence": rng.choice(levels),
                "qualifiers": sorted(set(rng.sample(qualifiers, rng.randint(0, 2)))),
                "summary": paragraph(rng, 2),
                "analysis": "\n\n".join(paragraph(rng, 4) for _ in range(3)),
                "unknowns": [sentence(rng, 14) for _ in range(rng.randint(0, 2))],
                "evidence": [
                    {
                        "source": rng.choice(sources)["id"],
                        "stance": rng.choice(["supports", "contradicts", "context"]),
                        "note": sentence(rng, 16),
                    }
                    for _ in range(rng.randint(1, 4))
                ],
                "history": history,
                "reviewed": date(2025, 1, 15),
                "tags": sorted(set(rng.sample(["troops", "munitions", "diplomacy", "video"], 2))),
            }
        )
    return {
        "version": base["version"],
        "publisher": base["publisher"],
        "ratings": base["ratings"],
        "qualifiers": base["qualifiers"],
        "confidence": base["confidence"],
        "sources": sources,
        "claimants": claimants,
        "claims": claims,
    }


class _PlainDumper(yaml.SafeDumper):
    """Writes every value out: claims.yaml refuses anchors and aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


# A claims file may hold at most 40 MiB, about 11,000 of these claims: larger archives are
# written as claims.yaml and one file per month of claims, as a desk would keep them.
SPLIT_ABOVE = 10_000


def write_project(count: int, folder: Path) -> Path:
    """A buildable project of `count` claims in `folder`; returns its mkdocs.yml."""
    folder.mkdir(parents=True, exist_ok=True)
    catalog = make_catalog(count)
    for path in ("content", "seeds", "site_templates"):
        shutil.rmtree(folder / path, ignore_errors=True)
        shutil.copytree(REPO / path, folder / path)
    # The timeline links to the real claims, which the corpus does not have.
    (folder / "content" / "later-developments.md").write_text("# Later developments\n", "utf-8")
    shutil.rmtree(folder / "claims", ignore_errors=True)
    if count > SPLIT_ABOVE:
        months: dict[str, list[object]] = {}
        for claim in catalog.pop("claims"):
            months.setdefault(f"{claim['claimed']:%Y-%m}", []).append(claim)
        (folder / "claims").mkdir()
        for month, claims in months.items():
            (folder / "claims" / f"{month}.yaml").write_text(_dump({"claims": claims}), "utf-8")
        catalog["include"] = ["claims/*.yaml"]
    (folder / "claims.yaml").write_text(_dump(catalog), "utf-8")
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    (folder / "mkdocs.yml").write_text(config, "utf-8")
    return folder / "mkdocs.yml"


def _dump(data: object) -> str:
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/factcheck-corpus-{size}")
    print(write_project(size, target))
