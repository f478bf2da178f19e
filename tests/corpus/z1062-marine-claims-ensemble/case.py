"""Route marine-insurance claim notes with an ensemble of the yearly router checkpoints (Lightning predict)."""
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(5, verbose=False)

TRAIN_2023 = [("hull breach after grounding near the breakwater", "hull"),
              ("containers lost overboard in heavy swell", "cargo"),
              ("quay crane damaged by berthing vessel", "liability"),
              ("deckhand fractured wrist during mooring", "crew_injury")]
TRAIN_2024 = TRAIN_2023 + [("armed boarding and ransom demand off the coast", "piracy"),
                           ("reefer cargo spoiled after power failure", "cargo")]
INCOMING = ["propeller shaft cracked after striking debris", "skiffs approached and crew held hostage",
            "pallets of coffee soaked by seawater", "engineer burned by steam leak",
            "tug collided with moored yacht", "bilge pump failure flooded engine room"]


class Checkpoint:
    __slots__ = ("path", "year")

    def __init__(self, path, year):
        self.path, self.year = path, year

    @classmethod
    def train_and_save(cls, root, year, rows, tokenizer, steps=3):
        labels = sorted({y for _, y in rows})
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         num_labels=len(labels), id2label=dict(enumerate(labels)),
                         label2id={l: i for i, l in enumerate(labels)})
        model = BertForSequenceClassification(cfg)
        enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        target = torch.tensor([cfg.label2id[y] for _, y in rows])
        optim = torch.optim.AdamW(model.parameters(), lr=3e-3)
        for _ in range(steps):
            loss = model(**enc, labels=target).loss
            optim.zero_grad()
            loss.backward()
            optim.step()
        path = os.path.join(root, f"claims-router-{year}")
        model.save_pretrained(path)
        print(f"router {year}: {len(labels)} classes, final loss {loss.item():.3f}")
        return cls(path, year)

    def load(self):
        return BertForSequenceClassification.from_pretrained(self.path).eval()


class RouterEnsemble(L.LightningModule):
    def __init__(self, checkpoints):
        super().__init__()
        ordered = sorted(checkpoints, key=lambda c: c.year, reverse=True)
        self.members = torch.nn.ModuleList([c.load() for c in ordered])

    @property
    def labels(self):
        cfg = self.members[0].config
        return [cfg.id2label[i] for i in range(cfg.num_labels)]

    @property
    def n_members(self):
        return len(self.members)

    def predict_step(self, batch, batch_idx):
        total = torch.zeros(batch["input_ids"].size(0), len(self.labels))
        for member in self.members:
            total = total + member(**batch).logits.softmax(-1)
        avg = total / self.n_members
        conf, idx = avg.max(-1)
        return [(self.labels[i], round(c, 3)) for i, c in zip(idx.tolist(), conf.tolist())]


def write_vocab(root, texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(root, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def main():
    root = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(root, [t for t, _ in TRAIN_2024] + INCOMING))
    checkpoints = [Checkpoint.train_and_save(root, 2023, TRAIN_2023, tokenizer),
                   Checkpoint.train_and_save(root, 2024, TRAIN_2024, tokenizer)]

    ensemble = RouterEnsemble(checkpoints)
    print(f"ensemble of {ensemble.n_members} routers over {ensemble.labels}")

    def collate(notes):
        return dict(tokenizer(notes, padding=True, return_tensors="pt"))

    loader = DataLoader(INCOMING, batch_size=3, collate_fn=collate)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    routed = [r for batch in trainer.predict(ensemble, dataloaders=loader) for r in batch]
    for note, (desk, conf) in zip(INCOMING, routed):
        print(f"{desk:12s} {conf:.3f}  {note}")


if __name__ == "__main__":
    main()
