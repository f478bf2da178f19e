# tag_manifests.py -- token tagging of cargo manifest lines (commodity / qty / port)
# trained with a plain loop under HF Accelerate so it can move to multi-GPU later.
import argparse
import os
import random
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

TAGS = ["O", "COMMODITY", "QTY", "PORT"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

COMMODITIES = ["steel", "coils", "grain", "cotton", "bales", "timber", "cement", "fertilizer"]
QUANTITIES = ["120", "45", "300", "18", "2500", "60"]
PORTS = ["rotterdam", "santos", "busan", "durban", "valencia", "tema"]
FILLER = ["shipment", "of", "bound", "for", "via", "loaded", "at", "tons", "units", "on", "deck", "hold"]

parser = argparse.ArgumentParser()
parser.add_argument("--n_lines", type=int, default=80)
parser.add_argument("--max_len", type=int, default=40)
parser.add_argument("--batch_size", type=int, default=8)
parser.add_argument("--lr", type=float, default=3e-4)
parser.add_argument("--seed", type=int, default=11)
args = parser.parse_args()

random.seed(args.seed)
torch.manual_seed(args.seed)


def fake_manifest_line():
    words, tags = [], []
    for _ in range(random.randint(1, 3)):
        chunk = [
            (random.choice(FILLER), "O"),
            (random.choice(QUANTITIES), "QTY"),
            (random.choice(["tons", "units"]), "O"),
            ("of", "O"),
            (random.choice(COMMODITIES), "COMMODITY"),
        ]
        if random.random() < 0.6:
            chunk += [("bound", "O"), ("for", "O"), (random.choice(PORTS), "PORT")]
        for w, t in chunk:
            words.append(w)
            tags.append(t)
    return words, tags


vocab_dir = tempfile.mkdtemp(prefix="manifest_vocab_")
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(COMMODITIES + QUANTITIES + PORTS + FILLER + ["tons", "units"]))
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))

examples = []
for _ in range(args.n_lines):
    words, tags = fake_manifest_line()
    label_ids = [-100] + [TAG2ID[t] for t in tags] + [-100]
    label_ids = label_ids + [-100] * (args.max_len - len(label_ids))
    examples.append({"words": words, "labels": label_ids})


def collate(batch):
    enc = tokenizer(
        [ex["words"] for ex in batch],
        is_split_into_words=True,
        padding="max_length",
        truncation=True,
        max_length=args.max_len,
        return_tensors="pt",
    )
    enc["labels"] = torch.tensor([ex["labels"] for ex in batch], dtype=torch.long)
    return enc


loader = DataLoader(examples, batch_size=args.batch_size, shuffle=True, collate_fn=collate)

config = BertConfig(
    vocab_size=len(vocab),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(TAGS),
)
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)

accelerator = Accelerator(cpu=True)
model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

model.train()
for step, batch in enumerate(loader):
    out = model(**batch)
    accelerator.backward(out.loss)
    optimizer.step()
    optimizer.zero_grad()
    if step % 5 == 0:
        accelerator.print(f"step {step:3d}  loss {out.loss.item():.4f}")

accelerator.print("finished one pass over", len(examples), "manifest lines")
