import os
import random

import torch
import torch.nn as nn
from transformers import BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "max_len": 96,
    "emb_dim": 64,
    "n_heads": 4,
    "n_layers": 2,
    "ff_dim": 128,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-4,
    "seriousness": ["non_serious", "serious", "life_threatening", "fatal"],
}

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "ae_vocab.txt")

DRUGS = ["warfarin", "metformin", "lisinopril", "atorvastatin", "amoxicillin",
         "clopidogrel", "ibuprofen", "levothyroxine", "omeprazole", "sertraline"]
EVENTS = ["rash", "nausea", "bleeding", "dizziness", "hypotension", "hepatotoxicity",
          "anaphylaxis", "syncope", "bradycardia", "rhabdomyolysis", "seizure"]
FILLER = ["patient", "reported", "after", "starting", "dose", "of", "mg", "daily",
          "was", "admitted", "hospital", "and", "discontinued", "recovered", "with",
          "symptoms", "days", "later", "the", "physician", "noted", "severe", "mild",
          "elderly", "female", "male", "on", "concomitant", "therapy", "resolved"]


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(DRUGS + EVENTS + FILLER))
    with open(path, "w") as fh:
        fh.write("\n".join(special + words) + "\n")


def synth_reports(n):
    reports, labels = [], []
    for _ in range(n):
        drug = random.choice(DRUGS)
        event = random.choice(EVENTS)
        n_fill = random.randint(6, 28)
        body = random.sample(FILLER, k=min(n_fill, len(FILLER)))
        pos = random.randint(0, len(body))
        body[pos:pos] = [drug, event]
        reports.append(" ".join(body))
        sev = 0
        if event in ("anaphylaxis", "seizure", "rhabdomyolysis"):
            sev = 2
        elif "admitted" in body:
            sev = 1
        if event == "bleeding" and drug in ("warfarin", "clopidogrel"):
            sev = 3
        labels.append(sev)
    return reports, labels


def encode_reports(tokenizer, narratives, max_len):
    enc = tokenizer(narratives, padding="longest", truncation=True,
                    max_length=max_len, return_tensors="pt")
    return enc["input_ids"]


def report_lengths(tokenizer, narratives, max_len):
    lens = []
    for text in narratives:
        ids = tokenizer.encode(text, truncation=True, max_length=max_len)
        lens.append(len(ids))
    return torch.tensor(lens)


def build_padding_mask(lengths, max_len):
    positions = torch.arange(max_len).unsqueeze(0)
    return positions >= lengths.unsqueeze(1)


class NarrativeSeverityModel(nn.Module):
    def __init__(self, vocab_size, cfg, n_classes):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, cfg["emb_dim"], padding_idx=0)
        self.pos_emb = nn.Embedding(cfg["max_len"], cfg["emb_dim"])
        layer = nn.TransformerEncoderLayer(cfg["emb_dim"], cfg["n_heads"], cfg["ff_dim"],
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg["n_layers"])
        self.head = nn.Linear(cfg["emb_dim"], n_classes)

    def forward(self, input_ids, pad_mask):
        pos = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok_emb(input_ids) + self.pos_emb(pos)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)


def batches(items, bs):
    for i in range(0, len(items), bs):
        yield items[i:i + bs]


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    reports, labels = synth_reports(160)
    data = list(zip(reports, labels))

    model = NarrativeSeverityModel(tokenizer.vocab_size, CFG, len(CFG["seriousness"]))
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["epochs"]):
        random.shuffle(data)
        model.train()
        total, n = 0.0, 0
        for chunk in batches(data, CFG["batch_size"]):
            texts = [t for t, _ in chunk]
            y = torch.tensor([l for _, l in chunk])
            input_ids = encode_reports(tokenizer, texts, CFG["max_len"])
            lengths = report_lengths(tokenizer, texts, CFG["max_len"])
            pad_mask = build_padding_mask(lengths, input_ids.size(1))

            logits = model(input_ids, pad_mask)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
            n += len(chunk)
        print(f"epoch {epoch} loss {total / n:.4f}")


if __name__ == "__main__":
    main()
