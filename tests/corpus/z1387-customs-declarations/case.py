"""Classify customs goods descriptions into tariff sections with a tiny BERT (Accelerate loop)."""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, TensorDataset
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

os.environ.setdefault("TRAIN_ROWS", "16")
os.environ.setdefault("SHUFFLE_SEED", "2024")

SECTIONS = ["textiles", "machinery", "foodstuffs", "chemicals"]

DECLARATIONS = [
    ("cotton t shirts knitted mens assorted sizes", 0),
    ("woven wool fabric rolls for upholstery", 0),
    ("polyester curtains printed with floral pattern", 0),
    ("silk scarves hand rolled edges", 0),
    ("centrifugal water pumps with electric motor", 1),
    ("industrial sewing machines for leather", 1),
    ("ball bearings steel for conveyor rollers", 1),
    ("hydraulic excavator spare gear assemblies", 1),
    ("frozen shrimp peeled and deveined", 2),
    ("roasted coffee beans in vacuum bags", 2),
    ("olive oil extra virgin in glass bottles", 2),
    ("dried apricots without added sugar", 2),
    ("sodium hydroxide flakes in drums", 3),
    ("titanium dioxide pigment powder", 3),
    ("acetic acid glacial technical grade", 3),
    ("polyvinyl chloride resin granules", 3),
    ("linen bed sheets with embroidered hem", 0),
    ("air compressors portable diesel driven", 1),
    ("canned tuna chunks in brine", 2),
    ("ammonium nitrate fertiliser prills", 3),
    ("nylon fishing nets knotted", 0),
    ("spare pump impellers cast iron", 1),
]


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


@dataclass
class Split:
    ids: torch.Tensor
    attn: torch.Tensor
    target: torch.Tensor

    def reorder(self, order):
        return Split(self.ids[order], self.attn[order], self.target[order])

    def loader(self, batch_size, shuffle=False):
        ds = TensorDataset(self.ids, self.attn, self.target)
        return DataLoader(ds, batch_size=batch_size, shuffle=shuffle)


def encode(rows, tokenizer, max_len):
    enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    return Split(enc["input_ids"], enc["attention_mask"], torch.tensor([y for _, y in rows]))


def build_tokenizer():
    words = sorted({w for t, _ in DECLARATIONS for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    set_seed(0)
    max_len = int(os.environ.get("MAX_LEN", "24"))
    n_train = env_int("TRAIN_ROWS", 18)
    batch_size = env_int("BATCH_SIZE", 4)
    epochs = env_int("EPOCHS", 3)

    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer()
    train = encode(DECLARATIONS[:n_train], tokenizer, max_len)
    dev = encode(DECLARATIONS[n_train:], tokenizer, max_len)
    accelerator.print(f"train rows: {len(train.target)}  dev rows: {len(dev.target)}")

    # fixed row order so runs are comparable across machines
    gen = torch.Generator().manual_seed(env_int("SHUFFLE_SEED", 0))
    order = torch.randperm(len(train.target), generator=gen)
    train = train.reorder(order)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(SECTIONS))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3)
    model, optimizer, train_dl = accelerator.prepare(model, optimizer, train.loader(batch_size))

    model.train()
    for epoch in range(epochs):
        total = 0.0
        for ids, attn, target in train_dl:
            out = model(input_ids=ids, attention_mask=attn, labels=target)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            total += out.loss.item()
        accelerator.print(f"epoch {epoch}: loss {total / len(train_dl):.4f}")

    dev = dev.reorder(order)
    dev_dl = accelerator.prepare(dev.loader(batch_size))
    model.eval()
    correct = 0
    with torch.no_grad():
        for ids, attn, target in dev_dl:
            pred = model(input_ids=ids, attention_mask=attn).logits.argmax(-1)
            correct += int((pred == target).sum())
    accelerator.print(f"dev accuracy: {correct / len(dev.target):.3f}")


if __name__ == "__main__":
    main()
