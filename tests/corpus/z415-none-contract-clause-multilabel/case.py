"""Tag contract clauses with every obligation type they contain (multi-label),
trained with Accelerate on a tiny randomly initialised BERT."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CONFIG = {
    "seed": 13,
    "n_train": 96,
    "batch_size": 8,
    "max_len": 40,
    "lr": 5e-4,
    "epochs": 2,
}
CLAUSE_TYPES = ["termination", "liability", "confidentiality", "payment", "indemnity", "governing_law"]
CUES = {
    "termination": "terminate notice days breach",
    "liability": "liable damages cap limitation",
    "confidentiality": "confidential disclose information secret",
    "payment": "invoice fee payable net",
    "indemnity": "indemnify hold harmless claims",
    "governing_law": "laws jurisdiction courts governed",
}
FILLER = "the party shall may any this agreement under with of to and or in".split()


def build_tokenizer(folder):
    words = sorted(set(FILLER + " ".join(CUES.values()).split()))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def synth_clauses(n, rng):
    rows = []
    for _ in range(n):
        present = [c for c in CLAUSE_TYPES if rng.random() < 0.3] or [rng.choice(CLAUSE_TYPES)]
        words = [rng.choice(FILLER) for _ in range(rng.randint(4, 10))]
        for c in present:
            words += CUES[c].split()[: rng.randint(2, 4)]
        rng.shuffle(words)
        rows.append((" ".join(words), [1.0 if c in present else 0.0 for c in CLAUSE_TYPES]))
    return rows


def make_collate(tokenizer, max_len):
    def collate(rows):
        texts, targets = zip(*rows)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(targets)
        return enc
    return collate


def main():
    rng = random.Random(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp())

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(CLAUSE_TYPES))
    model = BertForSequenceClassification(cfg)
    loader = DataLoader(synth_clauses(CONFIG["n_train"], rng), batch_size=CONFIG["batch_size"],
                        shuffle=True, collate_fn=make_collate(tokenizer, CONFIG["max_len"]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=CONFIG["lr"])
    criterion = torch.nn.BCEWithLogitsLoss()
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(CONFIG["epochs"]):
        model.train()
        top_counts = torch.zeros(len(CLAUSE_TYPES), dtype=torch.long)
        running = 0.0
        for step, batch in enumerate(loader):
            labels = batch.pop("labels")
            logits = model(**batch).logits

            labels = logits.argmax(dim=-1)
            top_counts += torch.bincount(labels.cpu(), minlength=len(CLAUSE_TYPES))

            loss = criterion(logits, labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
        dominant = CLAUSE_TYPES[int(top_counts.argmax())]
        accelerator.print(f"epoch {epoch}: bce {running / (step + 1):.4f}, most frequent top tag: {dominant}")


if __name__ == "__main__":
    main()
