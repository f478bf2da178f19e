"""Material classification of excavation find descriptions, cross-validated.

Stratified k-fold over the finds register; a tiny BERT per fold, trained with Lightning.
"""
import functools
import os
import random
import tempfile
from collections import Counter

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

MATERIALS = ["ceramic", "metal", "bone"]
REGISTER = [
    ("rim sherd with incised chevron band", "ceramic"),
    ("burnished base fragment black slip", "ceramic"),
    ("handle stub from coarse storage jar", "ceramic"),
    ("painted body sherd red on buff", "ceramic"),
    ("spindle whorl made from reused sherd", "ceramic"),
    ("corroded iron nail square shank", "metal"),
    ("copper alloy pin with rolled head", "metal"),
    ("lead weight pierced for suspension", "metal"),
    ("iron knife blade tang broken", "metal"),
    ("bronze ring plain section", "metal"),
    ("worked antler tine with polish", "bone"),
    ("bone needle eye intact", "bone"),
    ("cattle rib with butchery cut marks", "bone"),
    ("polished bone comb fragment", "bone"),
    ("pig tusk perforated at root", "bone"),
]
K = 5


def assign_folds(labels, k, seed=0):
    rng = random.Random(seed)
    folds = [0] * len(labels)
    for cls in sorted(set(labels)):
        members = [i for i, y in enumerate(labels) if y == cls]
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[i] = j % k
    return folds


def check_folds(folds, labels, k):
    sizes = Counter(folds)
    assert sorted(sizes) == list(range(k)), sizes
    assert max(sizes.values()) - min(sizes.values()) <= 1, sizes
    for f in range(k):
        in_fold = {y for y, g in zip(labels, folds) if g == f}
        assert in_fold == set(labels), f"fold {f} misses a class: {in_fold}"


class FindsDataset(Dataset):
    def __init__(self, descriptions, targets):
        assert len(descriptions) == len(targets)
        self.descriptions, self.targets = descriptions, targets

    def __len__(self):
        return len(self.descriptions)

    def __getitem__(self, i):
        return self.descriptions[i], self.targets[i]


def collate(items, tokenizer, max_len):
    texts, ys = zip(*items)
    batch = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len,
                      return_tensors="pt")
    batch["labels"] = torch.tensor(ys)
    return dict(batch)


class FindClassifier(L.LightningModule):
    def __init__(self, config, lr=3e-4):
        super().__init__()
        self.net = BertForSequenceClassification(config)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss, batch_size=batch["labels"].shape[0])
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def main():
    texts = [t for t, _ in REGISTER]
    labels = [MATERIALS.index(m) for _, m in REGISTER]
    assert all(0 <= y < len(MATERIALS) for y in labels)
    folds = assign_folds(labels, K)
    check_folds(folds, labels, K)

    tokenizer = BertTokenizer(write_vocab(texts))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=len(MATERIALS))
    collate_fn = functools.partial(collate, tokenizer=tokenizer, max_len=16)

    for val_fold in range(2):
        train_idx = [i for i, f in enumerate(folds) if f != val_fold]
        train_ds = FindsDataset([texts[i] for i in train_idx], [labels[i] for i in train_idx])
        print(f"fold {val_fold}: train={len(train_ds)} held out={len(texts) - len(train_ds)}")

        model = FindClassifier(config)
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                            logger=False, enable_checkpointing=False, enable_model_summary=False)
        trainer.fit(model, DataLoader(train_ds, batch_size=4, shuffle=True, collate_fn=collate_fn))
        print(f"fold {val_fold}: final loss {float(trainer.callback_metrics['train_loss']):.4f}")


if __name__ == "__main__":
    main()
