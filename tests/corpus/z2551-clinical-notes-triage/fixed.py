import json
import os
import random

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(2551)
torch.manual_seed(2551)

TRIAGE_LABELS = ["routine", "urgent", "emergent"]
LABEL2ID = {t: i for i, t in enumerate(TRIAGE_LABELS)}

EXPORTS = {
    "northside_gp": {"path": os.path.join(HERE, "northside_gp_notes.jsonl"), "text_key": "note_text"},
    "referral_er": {"path": os.path.join(HERE, "referral_er_notes.jsonl"), "text_key": "soap_note"},
}

CFG = dict(max_len=64, batch_size=8, epochs=2, lr=5e-4, hidden=32)

PHRASES = {
    "routine": ["presented for annual vaccination", "owner reports mild pruritus",
                "dental tartar noted grade one", "weight stable appetite normal"],
    "urgent": ["vomiting since yesterday", "limping on left hind limb",
               "diarrhoea for three days", "not eating since yesterday"],
    "emergent": ["collapsed at home pale mucous membranes", "dyspnoea open mouth breathing",
                 "distended abdomen unproductive retching", "hit by car laterally recumbent"],
}
SPECIES = ["canine", "feline"]
FILLER = ["patient", "is", "bright", "quiet", "alert", "responsive", "temp", "normal", "hr", "rr",
          "within", "limits", "on", "exam", "owner", "notes"]


def synth_note(triage):
    parts = [random.choice(SPECIES)] + random.sample(FILLER, 5)
    parts += random.choice(PHRASES[triage]).split()
    parts += random.sample(FILLER, 4)
    return " ".join(parts)


def write_exports():
    for name, ex in EXPORTS.items():
        n = 60 if name == "northside_gp" else 40
        with open(ex["path"], "w") as f:
            for i in range(n):
                triage = random.choice(TRIAGE_LABELS)
                rec = {"visit_id": f"{name[:3].upper()}-{i:04d}", "triage": triage,
                       ex["text_key"]: synth_note(triage)}
                f.write(json.dumps(rec) + "\n")


def write_vocab(path):
    words = set(FILLER) | set(SPECIES)
    for ps in PHRASES.values():
        for p in ps:
            words.update(p.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return len(tokens)


def load_notes(exports):
    records = []
    for clinic, ex in exports.items():
        with open(ex["path"]) as f:
            for line in f:
                rec = json.loads(line)
                rec["note_text"] = rec.pop(ex["text_key"])
                rec["clinic"] = clinic
                records.append(rec)
    return records


class TriageNotes(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return self.records[idx]


def make_collate(tokenizer, max_len):
    def collate(batch):
        texts = [r["note_text"] for r in batch]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([LABEL2ID[r["triage"]] for r in batch])
        return enc
    return collate


def main():
    write_exports()
    vocab_path = os.path.join(HERE, "vet_vocab.txt")
    vocab_size = write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    records = load_notes(EXPORTS)
    loader = DataLoader(TriageNotes(records), batch_size=CFG["batch_size"], shuffle=True,
                        collate_fn=make_collate(tokenizer, CFG["max_len"]))

    config = BertConfig(vocab_size=vocab_size, hidden_size=CFG["hidden"], num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                        num_labels=len(TRIAGE_LABELS))
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    main()
