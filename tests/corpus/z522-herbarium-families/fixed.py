"""Plant family prediction from transcribed herbarium sheet labels.

The digitisation backlog is dominated by grasses, so batches are drawn with a
class-balanced sampler to keep the rarer families visible in every split.
Training loop runs through Accelerate.
"""
import os
import random
import tempfile
from collections import Counter

import torch
from torch.utils.data import DataLoader, Dataset, Sampler
from accelerate import Accelerator
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

FAMILIES = ["Poaceae", "Asteraceae", "Rosaceae", "Orchidaceae"]

TRAIN_SHEETS = [
    ("tufted grass on dry chalk slope spikelets awned", 0), ("culms erect ligule membranous roadside verge", 0),
    ("panicle open spikelets purple meadow margin", 0), ("grass of salt marsh leaves rolled", 0),
    ("stoloniferous grass lawn edge ligule short", 0), ("awned spikelets in dense panicle arable field", 0),
    ("leaves flat sheaths hairy damp woodland ride", 0), ("tall grass by river bank panicle nodding", 0),
    ("capitula yellow ray florets waste ground", 1), ("pappus white achenes ribbed field border", 1),
    ("disc florets only bracts spiny dry pasture", 1), ("ray florets white disc yellow lawn", 1),
    ("capitulum solitary leaves pinnatifid railway bank", 1), ("shrub prickly leaflets serrate hedgerow", 2),
    ("petals five white stamens many woodland edge", 2), ("fruit a pome leaves simple old orchard", 2),
    ("stipules leafy hips red scrambling hedge", 2), ("petals pink sepals reflexed limestone scrub", 2),
    ("labellum spurred tubers paired chalk grassland", 3), ("flowers purple labellum lobed damp meadow", 3),
    ("leaves spotted spike dense dune slack", 3), ("labellum resembling insect short turf", 3),
    ("saprophytic no leaves beech wood litter", 3), ("spurred greenish flowers fen margin", 3),
]
VAL_SHEETS = [
    ("spikelets awned panicle dense chalk", 0), ("ligule membranous culms tufted verge", 0),
    ("grass leaves rolled dune", 0), ("ray florets yellow pappus roadside", 1),
    ("prickly shrub hips red hedge", 2), ("petals white leaflets serrate scrub", 2),
    ("labellum spurred flowers purple meadow", 3), ("leaves spotted spike chalk turf", 3),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class SheetDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        self.family_ids = [f for _, f in rows]
        self.targets = torch.tensor(self.family_ids)

    def __len__(self):
        return len(self.family_ids)

    def __getitem__(self, idx):
        return {
            "input_ids": self.enc["input_ids"][idx],
            "attention_mask": self.enc["attention_mask"][idx],
            "family": self.targets[idx],
        }


class ClassBalancedSampler(Sampler):
    """Draws indices with probability inversely proportional to class frequency."""

    def __init__(self, class_ids, num_samples, seed=0):
        freq = Counter(class_ids)
        self.weights = torch.tensor([1.0 / freq[c] for c in class_ids])
        self.num_samples = num_samples
        self.gen = torch.Generator().manual_seed(seed)

    def __iter__(self):
        picks = torch.multinomial(self.weights, self.num_samples, replacement=True, generator=self.gen)
        return iter(picks.tolist())

    def __len__(self):
        return self.num_samples


class FamilyClassifier(torch.nn.Module):
    def __init__(self, config, n_families):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.drop = torch.nn.Dropout(0.1)
        self.out = torch.nn.Linear(config.hidden_size, n_families)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.out(self.drop(h[:, 0]))


def main():
    accelerator = Accelerator(cpu=True)
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab([t for t, _ in TRAIN_SHEETS + VAL_SHEETS], workdir))

    train_set = SheetDataset(TRAIN_SHEETS, tokenizer)
    val_set = SheetDataset(VAL_SHEETS, tokenizer)
    loaders = {
        split: DataLoader(ds, batch_size=4,
                          sampler=ClassBalancedSampler(ds.family_ids, num_samples=len(ds), seed=i))
        for i, (split, ds) in enumerate([("train", train_set), ("val", val_set)])
    }
    accelerator.print("train families:", dict(Counter(train_set.family_ids)))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = FamilyClassifier(config, len(FAMILIES))
    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model, optim, train_dl, val_dl = accelerator.prepare(model, optim, loaders["train"], loaders["val"])
    loss_fn = torch.nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["family"])
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()

        model.eval()
        hits, seen = 0, 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
                hits += (pred == batch["family"]).sum().item()
                seen += batch["family"].numel()
        accelerator.print(f"epoch {epoch}: last train loss {loss.item():.3f}, balanced val acc {hits / seen:.2f}")


if __name__ == "__main__":
    main()
