"""Homework 6 (solution key): lithology tagging of drill core descriptions.

Geologists' free-text core box descriptions are classified as sandstone,
shale or carbonate with a tiny BERT wrapped in a LightningModule.
"""
import os
import tempfile
from functools import partial

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(7, verbose=False)

# Part 1: data
CORE_BOXES = [
    ("fine grained quartz sand well sorted cross bedded", "sandstone"),
    ("dark grey fissile mudstone with pyrite nodules", "shale"),
    ("bioclastic packstone with crinoid fragments", "carbonate"),
    ("medium grained sand with mica flakes and clay drapes, ripple laminated, "
     "grading upward into fine sand with scattered pebbles, plant debris and "
     "carbonaceous streaks along bedding, oil staining patchy, porosity good, "
     "lower contact sharp and erosive onto grey mudstone with burrows", "sandstone"),
    ("laminated black shale, organic rich, thin silt partings", "shale"),
    ("oolitic grainstone, cross bedded, good porosity", "carbonate"),
    ("coarse pebbly sand, poorly sorted, erosive base", "sandstone"),
    ("calcareous mudstone grading into wackestone with shell debris", "carbonate"),
]
LITHOLOGIES = ["sandstone", "shale", "carbonate"]


def describe(name, x):
    print(f"  {name:<15} {tuple(x.shape)}")


def q1_build_vocab(descriptions, folder):
    words = []
    for d in descriptions:
        for w in d.replace(",", " ,").split():
            if w not in words:
                words.append(w)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(w + "\n")
    return path


def q2_encode(batch, tokenizer):
    texts = [text for text, _ in batch]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    enc["labels"] = torch.tensor([LITHOLOGIES.index(lith) for _, lith in batch])
    return dict(enc)


workdir = tempfile.mkdtemp()
tokenizer = BertTokenizer(q1_build_vocab([d for d, _ in CORE_BOXES], workdir))
collate = partial(q2_encode, tokenizer=tokenizer)
train_loader = DataLoader(CORE_BOXES, batch_size=4, shuffle=True, collate_fn=collate)

print("Part 1: vocab", tokenizer.vocab_size, "words")
sample = collate(CORE_BOXES[:3])
for k in ("input_ids", "attention_mask", "labels"):
    describe(k, sample[k])
assert sample["input_ids"].shape == sample["attention_mask"].shape
assert sample["labels"].shape == (3,)

# Part 2: model
class CoreLogClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_classes, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=32, num_labels=n_classes)
        self.bert = BertForSequenceClassification(cfg)

    def forward(self, **enc):
        return self.bert(**enc)

    def training_step(self, batch, batch_idx):
        out = self(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def q3_fit(module, loader):
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(module, loader)
    return trainer


def q4_predict(module, rows):
    module.eval()
    with torch.no_grad():
        enc = collate(rows)
        enc.pop("labels")
        logits = module(**enc).logits
    describe("logits", logits)
    assert logits.shape == (len(rows), len(LITHOLOGIES))
    return [LITHOLOGIES[i] for i in logits.argmax(-1).tolist()]


clf = CoreLogClassifier(tokenizer.vocab_size, len(LITHOLOGIES))
q3_fit(clf, train_loader)
print("Part 2: predictions", q4_predict(clf, CORE_BOXES[:3]))
