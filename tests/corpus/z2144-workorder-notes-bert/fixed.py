"""Classify the dominant fault family of each machine from its technician work-order history.

Each machine's work orders are stitched together in chronological order and fed to a
small BERT encoder; the [CLS] vector goes to a 4-way fault-family head.
"""
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(7)

FAULT_FAMILIES = ["bearing", "misalignment", "lubrication", "electrical"]

WORDS = (
    "bearing outer race inner race spall noise high vibration axial radial shaft "
    "misaligned coupling shim laser alignment grease oil low level leak seal "
    "replaced topped up motor winding insulation current imbalance phase tripped "
    "breaker reset inspected ok no action temperature hot cold running pump fan "
    "compressor gearbox drive end non de de1 de2 found checked adjusted tightened "
    "bolt loose guard cleaned filter clogged sensor reading spike after before "
    "startup shutdown shift operator reported technician"
).split()

WORK_ORDERS = {
    "PMP-101": (0, ["high vibration drive end bearing", "bearing outer race spall found replaced",
                    "noise after startup inspected bearing", "vibration spike radial checked ok"]),
    "FAN-214": (1, ["coupling misaligned laser alignment adjusted", "axial vibration high shim added",
                    "shaft misaligned after gearbox replaced"]),
    "CMP-330": (2, ["oil low level topped up", "grease seal leak replaced", "filter clogged cleaned oil leak",
                    "temperature hot bearing grease low topped up", "oil level low after shutdown",
                    "seal leak drive end replaced grease"]),
    "MTR-412": (3, ["motor winding insulation checked", "phase current imbalance breaker tripped reset",
                    "motor tripped after startup current spike", "insulation low winding inspected"]),
    "PMP-118": (0, ["inner race bearing noise", "vibration high non drive end bearing replaced"]),
    "GBX-507": (1, ["gearbox shaft misaligned coupling loose", "bolt loose tightened alignment adjusted",
                    "coupling shim replaced laser alignment", "axial vibration after startup",
                    "misaligned drive end coupling adjusted", "guard loose tightened shaft checked",
                    "alignment checked ok no action", "coupling misaligned again shim added"]),
}


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS)):
            fh.write(tok + "\n")
    return path


def machine_history(orders, repeat=3):
    # The archive export lists a ticket again each time it was re-opened.
    notes = []
    for _ in range(repeat):
        notes.extend(orders)
    return " ; ".join(notes)


class HistoryDataset(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        machine_id, (family, orders) = self.records[i]
        return machine_history(orders), family


def build_collate(tok, max_len):
    def collate(batch):
        texts, families = zip(*batch)
        enc = tok(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(families, dtype=torch.long)
        return enc
    return collate


def main():
    workdir = tempfile.mkdtemp(prefix="wo_notes_")
    tok = BertTokenizer(write_vocab(workdir))

    enc_cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(FAULT_FAMILIES),
    )
    classifier = BertForSequenceClassification(enc_cfg)
    optim = torch.optim.AdamW(classifier.parameters(), lr=3e-4)

    records = list(WORK_ORDERS.items())
    loader = DataLoader(HistoryDataset(records), batch_size=3, shuffle=False,
                        collate_fn=build_collate(tok, enc_cfg.max_position_embeddings))

    classifier.train()
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            out = classifier(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")

    classifier.eval()
    with torch.no_grad():
        for batch in loader:
            pred = classifier(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
            print([FAULT_FAMILIES[p] for p in pred.tolist()])


if __name__ == "__main__":
    main()
