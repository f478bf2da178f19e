"""Classify each hive's inspection history: thriving / needs requeening / swarm risk."""
import os
import tempfile

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

DATASETS = {}
MODELS = {}


def register(name):
    """Functions whose name starts with make_ are datasets, everything else is a model."""
    def wrap(fn):
        (DATASETS if fn.__name__.startswith("make_") else MODELS)[name] = fn
        return fn
    return wrap


def build(kind, name, **kw):
    return {"dataset": DATASETS, "model": MODELS}[kind][name](**kw)


# ---- data.py ----
STATUS = {"thriving": 0, "requeen": 1, "swarm_risk": 2}
MAX_TOKENS = 64

INSPECTIONS = {
    "hive-A": (["brood pattern solid and queen seen on frame four",
                "capped honey on outer frames calm temperament",
                "added super because nectar flow is strong",
                "pollen coming in steadily no signs of mites"], "thriving"),
    "hive-B": (["no eggs seen and spotty brood pattern",
                "drone laying suspected several domed cells in worker comb",
                "bees restless and loud when lid removed",
                "still no queen seen after full frame check",
                "emergency cells absent colony shrinking",
                "ordered a mated queen from supplier",
                "laying workers confirmed with several eggs per cell",
                "shook out the colony away from the apiary stand"], "requeen"),
    "hive-C": (["queen cups charged along bottom bars",
                "brood box congested with nectar in brood nest",
                "bees bearding at entrance in afternoon",
                "capped swarm cells found on two frames",
                "no room left to lay queen slowing down",
                "scout bees checking empty bait hive nearby",
                "split planned before next warm spell",
                "second brood box added but bees ignored the foundation",
                "more queen cups started on the middle frames",
                "colony very strong and heavy with stores"], "swarm_risk"),
    "hive-D": (["queen marked blue seen laying well",
                "good stores going into autumn",
                "mite drop low after treatment"], "thriving"),
}


def hive_histories():
    for hive, (entries, status) in INSPECTIONS.items():
        # oldest inspection first, one sentence per visit
        yield " . ".join(entries), STATUS[status], hive


@register("apiary")
def make_apiary():
    return list(hive_histories())


def write_vocab():
    words = sorted({w for entries, _ in INSPECTIONS.values() for e in entries for w in e.split()})
    folder = tempfile.mkdtemp(prefix="apiary_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "."] + words) + "\n")
    return os.path.join(folder, "vocab.txt")


class HiveCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        texts, status, _ = zip(*rows)
        batch = self.tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS,
                               return_tensors="pt")
        batch["labels"] = torch.tensor(status)
        return dict(batch)


# ---- model.py ----
@register("hive-bert")
class HiveClassifier(L.LightningModule):
    def __init__(self, vocab_size, num_labels, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_TOKENS, num_labels=num_labels)
        self.net = BertForSequenceClassification(cfg)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss, batch_size=batch["labels"].shape[0])
        return out.loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


# ---- train.py ----
def main():
    L.seed_everything(3, verbose=False)
    tokenizer = BertTokenizer(write_vocab())
    rows = build("dataset", "apiary")
    for text, status, hive in rows:
        print(f"{hive}: {len(text.split())} words, status={status}")

    loader = DataLoader(rows, batch_size=2, shuffle=True, collate_fn=HiveCollator(tokenizer))
    model = build("model", "hive-bert", vocab_size=tokenizer.vocab_size, num_labels=len(STATUS))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, loader)
    print("done, final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
