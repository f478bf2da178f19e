"""Fault triage for remote weather stations: technician note + sensor readings."""
import csv
import json
import os
import tempfile
from functools import partial

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(3)

READINGS = {
    "train": [
        # station, temp_drift, humidity_drift, battery_mv, uptime_h, fault
        ("ws-114", 3, 0, 3610, 220, "sensor_drift"),
        ("ws-208", 0, 1, 2950, 12, "power"),
        ("ws-031", 0, 0, 3700, 2, "comms"),
        ("ws-412", 4, 2, 3580, 400, "sensor_drift"),
        ("ws-077", 1, 0, 2800, 30, "power"),
        ("ws-090", 0, 0, 3650, 5, "comms"),
    ],
    "test": [
        ("ws-301", 5, 1, 3620, 310, "sensor_drift"),
        ("ws-155", 0, 0, 2870, 20, "power"),
    ],
}
NOTES = {
    "ws-114": "thermometer reads high vs handheld", "ws-208": "battery sagging at night",
    "ws-031": "no uplink since storm", "ws-412": "humidity and temp both creeping",
    "ws-077": "solar panel covered in dust", "ws-090": "modem light blinking red",
    "ws-301": "temp offset growing weekly", "ws-155": "battery dead by morning",
}
FEATURE_SCALE = torch.tensor([5.0, 5.0, 4000.0, 500.0])


def write_dataset(root):
    cols = ["station_id", "temp_drift", "humidity_drift", "battery_mv", "uptime_h"]
    for split, rows in READINGS.items():
        with open(os.path.join(root, f"readings_{split}.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols + (["fault"] if split == "train" else []))
            for r in rows:
                w.writerow(r if split == "train" else r[:-1])
        if split != "train":
            with open(os.path.join(root, f"{split}_faults.tsv"), "w") as fh:
                fh.write("station_id\tfault\n")
                fh.writelines(f"{r[0]}\t{r[-1]}\n" for r in rows)
    with open(os.path.join(root, "notes.jsonl"), "w") as fh:
        for sid, text in NOTES.items():
            fh.write(json.dumps({"station_id": sid, "note": text}) + "\n")


def csv_width(path):
    with open(path, newline="") as fh:
        return len(next(csv.reader(fh))) - 1  # minus station_id


def read_readings(path):
    out = {}
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        feat_cols = [c for c in reader.fieldnames if c not in ("station_id", "fault")]
        for row in reader:
            out[row["station_id"]] = ([int(row[c]) for c in feat_cols], row.get("fault"))
    return out


def read_faults_tsv(path):
    with open(path) as fh:
        next(fh)
        return dict(line.strip().split("\t") for line in fh)


class StationTriage(nn.Module):
    def __init__(self, n_words, n_numeric, n_faults, emb=16):
        super().__init__()
        self.words = nn.EmbeddingBag(n_words, emb, mode="mean", padding_idx=0)
        self.mix = nn.Sequential(nn.Linear(emb + n_numeric, 32), nn.ReLU(), nn.Linear(32, n_faults))

    def forward(self, word_ids, numeric):
        return self.mix(torch.cat([self.words(word_ids), numeric], dim=1))


def collate(items, word_ix, fault_ix):
    width = max(len(note.split()) for note, _, _ in items)
    ids = torch.zeros(len(items), width, dtype=torch.long)
    for i, (note, _, _) in enumerate(items):
        toks = [word_ix.get(w, 1) for w in note.split()]
        ids[i, :len(toks)] = torch.tensor(toks)
    numeric = torch.tensor([feats for _, feats, _ in items], dtype=torch.float) / FEATURE_SCALE
    target = torch.tensor([fault_ix[f] for _, _, f in items])
    return ids, numeric, target


def main():
    root = tempfile.mkdtemp(prefix="wx_triage_")
    write_dataset(root)
    with open(os.path.join(root, "notes.jsonl")) as fh:
        notes = {r["station_id"]: r["note"] for r in map(json.loads, fh)}

    train = read_readings(os.path.join(root, "readings_train.csv"))
    test = read_readings(os.path.join(root, "readings_test.csv"))
    test_faults = read_faults_tsv(os.path.join(root, "test_faults.tsv"))
    train_items = [(notes[s], feats, fault) for s, (feats, fault) in train.items()]
    test_items = [(notes[s], feats, test_faults[s]) for s, (feats, _) in test.items()]

    fault_names = sorted(set(f for _, _, f in train_items))
    fault_ix = {f: i for i, f in enumerate(fault_names)}
    vocab = sorted({w for n, _, _ in train_items for w in n.split()})
    word_ix = {w: i + 2 for i, w in enumerate(vocab)}  # 0 pad, 1 unk
    n_numeric = csv_width(os.path.join(root, "readings_train.csv"))
    print(f"faults={fault_names} numeric features={n_numeric} words={len(word_ix)}")

    model = StationTriage(len(word_ix) + 2, n_numeric, len(fault_names))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    make_batch = partial(collate, word_ix=word_ix, fault_ix=fault_ix)
    loader = DataLoader(train_items, batch_size=3, shuffle=True, collate_fn=make_batch)

    for epoch in range(6):
        running = 0.0
        for ids, numeric, target in loader:
            loss = nn.functional.cross_entropy(model(ids, numeric), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")

    ids, numeric, target = make_batch(test_items)
    with torch.no_grad():
        pred = model(ids, numeric).argmax(1)
    for (note, _, gold), p in zip(test_items, pred.tolist()):
        print(f"{note!r}: predicted {fault_names[p]}, actual {gold}")


if __name__ == "__main__":
    main()
