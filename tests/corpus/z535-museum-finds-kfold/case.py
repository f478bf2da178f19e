"""3-fold cross-validation of a small BERT period classifier on the museum's
find catalogue. Folds are keyed on accession number so they stay the same
when the catalogue export comes back in a different order."""
import os
import random
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader, Subset, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

PERIODS = ["bronze_age", "iron_age", "roman", "medieval"]

# (accession number, catalogue description, period)
CATALOGUE = [
    (3, "socketed axe head cast copper alloy with loop", 0),
    (5, "roman coin silver denarius worn obverse", 2),
    (8, "iron sword fragment with bronze scabbard chape", 1),
    (9, "glazed jug sherd green lead glaze", 3),
    (12, "flint arrowhead barbed and tanged", 0),
    (14, "samian ware bowl rim stamped", 2),
    (17, "iron brooch la tene style spring", 1),
    (21, "pilgrim badge lead tin alloy", 3),
    (22, "bronze palstave with stop ridge", 0),
    (26, "roof tile fragment with legionary stamp", 2),
    (27, "beehive quern stone upper part", 1),
    (31, "silver penny short cross type", 3),
    (33, "gold torc fragment twisted bar", 0),
    (38, "hypocaust box flue tile", 2),
    (40, "iron spearhead with split socket", 1),
    (41, "buckle plate with copper alloy rivets", 3),
    (46, "collared urn sherd cord impressed", 0),
    (47, "oil lamp terracotta with makers mark", 2),
    (52, "iron age pot sherd with finger marks", 1),
    (55, "stirrup fragment iron with decoration", 3),
    (58, "bronze razor crescent shaped", 0),
    (61, "mosaic tesserae loose red and white", 2),
    (63, "chariot linch pin iron with bronze cap", 1),
    (67, "floor tile inlaid heraldic design", 3),
]


def write_vocab(texts):
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    words = sorted({w for t in texts for w in t.split()})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def accession_folds(accessions, k, seed=0):
    order = list(accessions)
    random.Random(seed).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


class PeriodClassifier(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(PERIODS))
        self.bert = BertForSequenceClassification(cfg)
        self.lr = lr
        self.val_hits, self.val_seen = 0, 0

    def forward(self, ids, attn):
        return self.bert(input_ids=ids, attention_mask=attn).logits

    def training_step(self, batch, batch_idx):
        ids, attn, period = batch
        return torch.nn.functional.cross_entropy(self(ids, attn), period)

    def validation_step(self, batch, batch_idx):
        ids, attn, period = batch
        pred = self(ids, attn).argmax(-1)
        self.val_hits += int((pred == period).sum())
        self.val_seen += len(period)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def run_fold(full_ds, train_rows, val_rows, vocab_size):
    model = PeriodClassifier(vocab_size)
    train_dl = DataLoader(Subset(full_ds, train_rows), batch_size=4, shuffle=True)
    val_dl = DataLoader(Subset(full_ds, val_rows), batch_size=4)
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False,
                        num_sanity_val_steps=0)
    trainer.fit(model, train_dl, val_dl)
    return model.val_hits / max(model.val_seen, 1)


def main():
    L.seed_everything(21, verbose=False)
    texts = [t for _, t, _ in CATALOGUE]
    tokenizer = BertTokenizer(write_vocab(texts))
    enc = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    period_ids = torch.tensor([p for _, _, p in CATALOGUE])
    full_ds = TensorDataset(enc["input_ids"], enc["attention_mask"], period_ids)

    accessions = [acc for acc, _, _ in CATALOGUE]
    folds = accession_folds(accessions, k=3)
    scores = []
    for f, val_acc in enumerate(folds):
        train_acc = [a for a in accessions if a not in val_acc]
        print(f"fold {f}: {len(train_acc)} train / {len(val_acc)} val finds")
        scores.append(run_fold(full_ds, train_acc, val_acc, tokenizer.vocab_size))
        print(f"fold {f}: val accuracy {scores[-1]:.2f}")
    print(f"mean accuracy over {len(folds)} folds: {sum(scores) / len(scores):.2f}")


if __name__ == "__main__":
    main()
