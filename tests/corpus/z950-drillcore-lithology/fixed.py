"""Lithology classification from drill-core logging descriptions (Lightning + tiny BERT)."""
import random

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification

random.seed(3)
torch.manual_seed(3)

MAX_POSITIONS = 48

CORE_LOG = [
    ("grey fine grained sandstone well sorted", "sandstone"),
    ("dark grey fissile shale with pyrite nodules", "shale"),
    ("massive white limestone with crinoid fragments", "limestone"),
    ("red brown medium sandstone cross bedded", "sandstone"),
    ("black carbonaceous shale thinly laminated", "shale"),
    ("oolitic limestone light buff vuggy porosity", "limestone"),
    ("pink granite coarse crystalline feldspar quartz biotite", "granite"),
    ("grey granite equigranular minor hornblende", "granite"),
    ("interval 212.4 to 219.8 m sandstone pale grey to buff fine to medium grained subangular to "
     "subrounded moderately sorted quartz arenite with minor lithic fragments planar cross bedding "
     "in sets of 10 to 25 cm occasional mud drapes on foresets scattered carbonaceous flecks "
     "calcite cement patchy becoming more friable toward base core recovery 96 percent "
     "two mechanical breaks at 214.1 and 217.6 m no visible hydrocarbon staining", "sandstone"),
    ("calcareous shale olive grey bioturbated", "shale"),
]


class TextVectorizer:
    """sklearn-ish: fit() learns the vocabulary and a fixed output length, transform() gives tensors."""

    def __init__(self, lowercase=True, max_length=None):
        self.lowercase = lowercase
        self.max_length = max_length

    def _tokens(self, text):
        return (text.lower() if self.lowercase else text).split()

    def fit(self, texts):
        counts = {}
        for t in texts:
            for tok in self._tokens(t):
                counts[tok] = counts.get(tok, 0) + 1
        self.vocab_ = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
        for tok in sorted(counts, key=lambda k: (-counts[k], k)):
            self.vocab_[tok] = len(self.vocab_)
        longest = max(len(self._tokens(t)) for t in texts) + 2
        self.max_length_ = self.max_length or longest
        return self

    def transform(self, texts):
        rows = []
        for t in texts:
            ids = [2] + [self.vocab_.get(tok, 1) for tok in self._tokens(t)][: self.max_length_ - 2] + [3]
            rows.append(ids + [0] * (self.max_length_ - len(ids)))
        x = torch.tensor(rows)
        return {"input_ids": x, "attention_mask": (x > 0).long()}


class LithologyEncoder:
    def fit(self, names):
        self.classes_ = sorted(set(names))
        return self

    def transform(self, names):
        return torch.tensor([self.classes_.index(n) for n in names])


class CoreDataset(Dataset):
    def __init__(self, enc, target):
        self.enc, self.target = enc, target

    def __len__(self):
        return len(self.target)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.target[i]
        return item


class LithologyModule(L.LightningModule):
    def __init__(self, vocab_size, n_classes, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=MAX_POSITIONS, num_labels=n_classes)
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss, prog_bar=False)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    descriptions = [d for d, _ in CORE_LOG]
    rock_types = [r for _, r in CORE_LOG]

    vec = TextVectorizer(lowercase=True, max_length=MAX_POSITIONS).fit(descriptions)
    lith = LithologyEncoder().fit(rock_types)
    print(f"{len(vec.vocab_)} tokens, padded length {vec.max_length_}, classes {lith.classes_}")

    ds = CoreDataset(vec.transform(descriptions), lith.transform(rock_types))
    loader = DataLoader(ds, batch_size=4, shuffle=True)

    module = LithologyModule(vocab_size=len(vec.vocab_), n_classes=len(lith.classes_))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, loader)
    print("trained; last loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
