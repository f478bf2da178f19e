"""Apiary inspection notes -> colony status.

This replaces the sklearn pipeline (CountVectorizer -> LogisticRegression) that the
bee inspectors' spreadsheet macro used to call. Kept the Vectorizer / Estimator split
and fit/transform/predict names so the macro glue code barely changes.
"""
import os
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

MAX_POSITIONS = 64   # same as the sequence length we benchmarked the tiny encoder with

REPORTS = [
    ("queen seen eggs and young larvae present brood pattern solid", "queenright"),
    ("no queen no eggs emergency cells on frame four", "queenless"),
    ("many capped queen cells along bottom bars colony very crowded", "swarming"),
    ("spotty brood sunken cappings ropey test positive", "diseased"),
    ("eggs present calm colony good stores", "queenright"),
    ("laying workers multiple eggs per cell no queen seen", "queenless"),
    # hive 7, copied over from the october paper form
    ("full inspection of hive seven on a warm afternoon with light wind the colony was calm "
     "on opening and the bees were bringing in pollen at the entrance frame one and two were "
     "stores only frame three had capped brood and some drone brood frame four had eggs and "
     "young larvae in a solid pattern frame five had more capped brood and the queen was seen "
     "walking on the comb no queen cells were found on any frame mite drop on the board was "
     "low and no signs of disease were seen colony looks strong going into winter", "queenright"),
    ("queen cells capped and half the bees gone from the box", "swarming"),
]
STATUSES = ["queenright", "queenless", "swarming", "diseased"]


class ReportVectorizer:
    """CountVectorizer replacement: fit() learns the vocabulary, transform() -> matrices."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.tokenizer = None

    def fit(self, texts):
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        for t in texts:
            for w in t.lower().split():
                if w not in vocab:
                    vocab.append(w)
        path = os.path.join(self.workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(vocab) + "\n")
        self.tokenizer = BertTokenizer(path)
        print("vocabulary size:", len(vocab))
        return self

    def transform(self, texts):
        enc = self.tokenizer(texts, padding="longest", return_tensors="pt")
        print("design matrix shape:", tuple(enc["input_ids"].shape))
        return enc


class HiveStatusModule(L.LightningModule):
    def __init__(self, vocab_size, n_statuses, lr=5e-4):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_POSITIONS, num_labels=n_statuses)
        self.bert = BertForSequenceClassification(cfg)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        ids, att, types, y = batch
        out = self.bert(input_ids=ids, attention_mask=att, token_type_ids=types, labels=y)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


class HiveEstimator:
    """Same surface as the old LogisticRegression: fit(X, y) / predict(X)."""

    def __init__(self, vectorizer):
        self.vectorizer = vectorizer
        self.module = None

    def fit(self, X, y):
        targets = []
        for status in y:
            targets.append(STATUSES.index(status))
        ds = TensorDataset(X["input_ids"], X["attention_mask"], X["token_type_ids"],
                           torch.tensor(targets))
        loader = DataLoader(ds, batch_size=4, shuffle=True)
        self.module = HiveStatusModule(len(self.vectorizer.tokenizer), len(STATUSES))
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                            logger=False, enable_checkpointing=False, enable_model_summary=False)
        trainer.fit(self.module, loader)
        return self

    def predict(self, X):
        self.module.eval()
        with torch.no_grad():
            logits = self.module.bert(input_ids=X["input_ids"],
                                      attention_mask=X["attention_mask"]).logits
        return [STATUSES[i] for i in logits.argmax(-1).tolist()]


def main():
    texts = [r[0] for r in REPORTS]
    y = [r[1] for r in REPORTS]
    vec = ReportVectorizer(tempfile.mkdtemp()).fit(texts)
    X = vec.transform(texts)
    est = HiveEstimator(vec).fit(X, y)
    print("predicted:", est.predict(X))


if __name__ == "__main__":
    main()
