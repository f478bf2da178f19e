"""Fault-code router for free-text maintenance work orders.

Technicians leave several short notes per asset visit. Splits are done per
asset so that notes from the same compressor never end up in both train and
validation. A tiny BERT is trained from scratch on the notes.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

FAULT_CODES = ["BRG", "SEAL", "ELEC", "ALIGN"]
FAULT_TO_ID = {code: i for i, code in enumerate(FAULT_CODES)}

ASSET_LOG = [
    {"asset": "CMP-07", "fault": "BRG", "notes": [
        "grinding noise at drive end bearing", "bearing housing temp high", "vibration rising on de bearing"]},
    {"asset": "CMP-11", "fault": "SEAL", "notes": [
        "oil weeping at shaft seal", "seal leak under coupling guard"]},
    {"asset": "PMP-03", "fault": "ELEC", "notes": [
        "motor tripped on overcurrent", "phase imbalance on motor current", "breaker reset twice", "insulation test low"]},
    {"asset": "PMP-05", "fault": "ALIGN", "notes": [
        "coupling wear found", "high axial vibration at coupling"]},
    {"asset": "FAN-02", "fault": "BRG", "notes": [
        "bearing noise at fan end", "grease purged from bearing"]},
    {"asset": "FAN-09", "fault": "ELEC", "notes": [
        "motor current spikes at start", "tripped on overcurrent again", "terminal box burnt smell"]},
    {"asset": "CMP-14", "fault": "SEAL", "notes": [
        "shaft seal leak", "oil on skid under seal", "seal replaced leak persists"]},
    {"asset": "PMP-08", "fault": "ALIGN", "notes": [
        "misaligned coupling after overhaul", "axial vibration high", "shim pack missing"]},
]


def write_vocab(folder):
    words = set()
    for entry in ASSET_LOG:
        for note in entry["notes"]:
            words.update(note.lower().split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "workorder_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def split_assets(log, val_fraction=0.25, seed=3):
    assets = list(log)
    random.Random(seed).shuffle(assets)
    n_val = max(1, int(len(assets) * val_fraction))
    return assets[n_val:], assets[:n_val]


def batch_assets(assets, size):
    for start in range(0, len(assets), size):
        yield assets[start:start + size]


def encode_group(tokenizer, group):
    notes = [note for entry in group for note in entry["notes"]]
    enc = tokenizer(notes, padding=True, truncation=True, max_length=24, return_tensors="pt")
    fault_ids = torch.tensor([FAULT_TO_ID[entry["fault"]] for entry in group], dtype=torch.long)
    return enc, fault_ids


def main():
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp(prefix="workorders_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=len(FAULT_CODES),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    train_assets, val_assets = split_assets(ASSET_LOG)
    print(f"{len(train_assets)} train assets, {len(val_assets)} val assets")

    for epoch in range(4):
        model.train()
        total = 0.0
        for group in batch_assets(train_assets, size=3):
            enc, fault_ids = encode_group(tokenizer, group)
            out = model(**enc, labels=fault_ids)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total:.4f}")

    model.eval()
    hits = seen = 0
    with torch.no_grad():
        for group in batch_assets(val_assets, size=3):
            enc, fault_ids = encode_group(tokenizer, group)
            pred = model(**enc).logits.argmax(-1)
            hits += (pred == fault_ids).sum().item()
            seen += fault_ids.numel()
    print(f"val note accuracy {hits / seen:.2f}")


if __name__ == "__main__":
    main()
