"""Weekly summary for the ringing group: captures per species at each station,
plus a quick check of which stations over- or under-catch each species."""
import torch

torch.manual_seed(66)

STATIONS = ["reedbed", "scrub", "orchard", "willow carr"]
SPECIES = [
    "reed warbler", "sedge warbler", "blackcap", "chiffchaff",
    "wren", "blue tit", "robin", "bullfinch",
]

# one row per bird handled this week: (station, species)
CAPTURES = [
    ("reedbed", "reed warbler"), ("reedbed", "sedge warbler"), ("reedbed", "reed warbler"),
    ("scrub", "blackcap"), ("scrub", "wren"), ("scrub", "robin"), ("scrub", "blackcap"),
    ("orchard", "blue tit"), ("orchard", "bullfinch"), ("orchard", "chiffchaff"),
    ("willow carr", "chiffchaff"), ("willow carr", "blue tit"), ("willow carr", "wren"),
    ("reedbed", "chiffchaff"), ("orchard", "robin"), ("willow carr", "sedge warbler"),
]


def encode(captures):
    st_index = {name: i for i, name in enumerate(STATIONS)}
    sp_index = {name: i for i, name in enumerate(SPECIES)}
    station_ids = torch.tensor([st_index[st] for st, _ in captures])
    species_ids = torch.tensor([sp_index[sp] for _, sp in captures])
    return station_ids, species_ids


def crosstab(station_ids, species_ids):
    counts = torch.zeros(len(SPECIES), len(STATIONS))
    for st, sp in zip(station_ids, species_ids):
        counts[sp, st] += 1
    return counts


def expected_counts(counts):
    row = counts.sum(dim=1, keepdim=True)
    col = counts.sum(dim=0, keepdim=True)
    return row * col / counts.sum()


def report(counts):
    exp = expected_counts(counts)
    resid = (counts - exp) / exp.clamp(min=1e-6).sqrt()
    print(f"{'species':15s}" + "".join(f"{s:>13s}" for s in STATIONS))
    for i, name in enumerate(SPECIES):
        cells = "".join(f"{int(c):>13d}" for c in counts[i])
        print(f"{name:15s}{cells}")
    chi2 = (resid ** 2).sum().item()
    print(f"\nchi-square over {counts.numel()} cells: {chi2:.2f}")
    i, j = divmod(int(resid.argmax()), len(STATIONS))
    print(f"strongest association: {SPECIES[i]} at {STATIONS[j]} (resid {resid[i, j]:.2f})")


if __name__ == "__main__":
    station_ids, species_ids = encode(CAPTURES)
    print(f"{len(CAPTURES)} captures, {len(set(species_ids.tolist()))} species, "
          f"{len(set(station_ids.tolist()))} stations")
    table = crosstab(station_ids, species_ids)
    report(table)
    print("totals per station:", dict(zip(STATIONS, table.sum(0).int().tolist())))
