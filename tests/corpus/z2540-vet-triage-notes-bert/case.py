import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vet_vocab.txt")

SPECIES = ["canine", "feline", "equine", "bovine"]
TRIAGE_LEVELS = ["routine", "urgent", "emergency"]

BASE_WORDS = """
patient presented with vomiting diarrhea lethargy anorexia lame lameness left right fore hind limb
tachycardia tachypnea dyspnea pale mucous membranes crt prolonged normal febrile afebrile dehydrated
abdomen painful distended bloat colic sweating rolling cough nasal discharge ocular seizure ataxia
owner reports since yesterday days weeks hours ago ate toxin chocolate grapes lily trauma hit by car
heart murmur grade bcs weight loss polyuria polydipsia straining urinate blocked vaccinated not
and the a of for on in was is
""".split()


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(BASE_WORDS))
    with open(path, "w") as fh:
        for tok in specials + words:
            fh.write(tok + "\n")


def make_notes(n):
    templates = [
        ("patient presented with vomiting and diarrhea since yesterday", "urgent"),
        ("owner reports patient ate chocolate hours ago", "emergency"),
        ("lame left hind limb for weeks not painful", "routine"),
        ("abdomen distended and painful pale mucous membranes crt prolonged", "emergency"),
        ("vaccinated bcs normal weight loss over weeks polyuria polydipsia", "routine"),
        ("straining to urinate blocked since hours ago", "emergency"),
        ("cough nasal discharge febrile for days", "urgent"),
        ("colic sweating rolling tachycardia", "emergency"),
        ("heart murmur grade normal afebrile", "routine"),
    ]
    rows = []
    for _ in range(n):
        text, level = random.choice(templates)
        species = random.choice(SPECIES)
        rows.append((species, text, level))
    return rows


def build_tokenizer():
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH)
    species_markers = [f"[{s.upper()}]" for s in SPECIES]
    n_added = tok.add_tokens(species_markers, special_tokens=True)
    print(f"added {n_added} species marker tokens")
    return tok


class TriageNotes(Dataset):
    def __init__(self, rows, tokenizer, max_len=48):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len
        self.label2id = {lvl: i for i, lvl in enumerate(TRIAGE_LEVELS)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        species, text, level = self.rows[i]
        note = f"[{species.upper()}] {text}"
        enc = self.tok(note, truncation=True, max_length=self.max_len,
                       padding="max_length", return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label2id[level])
        return item


def build_model(tokenizer):
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TRIAGE_LEVELS),
        pad_token_id=tokenizer.pad_token_id,
    )
    return BertForSequenceClassification(cfg)


def train_one_epoch(model, loader, optim):
    model.train()
    total = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        total += out.loss.item()
        if step % 5 == 0:
            print(f"step {step:3d} loss {out.loss.item():.4f}")
    return total / max(1, len(loader))


def main():
    tokenizer = build_tokenizer()
    rows = make_notes(96)
    ds = TriageNotes(rows, tokenizer)
    loader = DataLoader(ds, batch_size=16, shuffle=True)
    model = build_model(tokenizer)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(2):
        avg = train_one_epoch(model, loader, optim)
        print(f"epoch {epoch} mean loss {avg:.4f}")


if __name__ == "__main__":
    main()
