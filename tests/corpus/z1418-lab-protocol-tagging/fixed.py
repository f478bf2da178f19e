"""Token tagging of wet-lab protocol steps (ACTION / REAGENT / AMOUNT ...) with a tiny BERT.

Annotated steps are stored as JSON lines, the tag inventory as a TSV maintained by
the annotation lead. Training runs through Lightning.
"""
import csv
import json
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel

L.seed_everything(3, verbose=False)

TAG_INVENTORY = [
    ("O", "outside"), ("ACTION", "verb of the step"), ("REAGENT", "chemical or buffer"),
    ("AMOUNT", "numeric quantity"), ("UNIT", "unit of measure"), ("TEMP", "temperature"),
    ("DURATION", "time span"),
]
TRAIN_STEPS = [
    ("add 50 ml of tris buffer to the flask", "ACTION AMOUNT UNIT O REAGENT REAGENT O O O"),
    ("incubate the plate at 37 C for 2 hours", "ACTION O O O TEMP TEMP O DURATION DURATION"),
    ("centrifuge samples for 10 minutes", "ACTION O O DURATION DURATION"),
    ("pipette 200 ul ethanol into each well and mix gently", "ACTION AMOUNT UNIT REAGENT O O O O ACTION O"),
    ("store the pellet at 4 C overnight", "ACTION O O O TEMP TEMP DURATION"),
    ("wash twice with 5 ml pbs", "ACTION O O AMOUNT UNIT REAGENT"),
    ("add 1 ml ethanol and incubate for 30 minutes at 20 C", "ACTION AMOUNT UNIT REAGENT O ACTION O DURATION DURATION O TEMP TEMP"),
    ("mix the tris buffer gently", "ACTION O REAGENT REAGENT O"),
]
DEV_STEPS = [
    ("add 10 ml pbs to the plate", "ACTION AMOUNT UNIT REAGENT O O O"),
    ("incubate for 2 hours at 37 C", "ACTION O DURATION DURATION O TEMP TEMP"),
]


def write_files(root):
    with open(os.path.join(root, "tags.tsv"), "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["tag", "description"])
        w.writerows(TAG_INVENTORY)
    for split, steps in (("train", TRAIN_STEPS), ("dev", DEV_STEPS)):
        with open(os.path.join(root, f"{split}.jsonl"), "w") as fh:
            for text, tags in steps:
                fh.write(json.dumps({"words": text.split(), "tags": tags.split()}) + "\n")


def iter_jsonl(path):
    with open(path) as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


class ProtocolTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=64), add_pooling_layer=False)
        self.tag_head = torch.nn.Linear(32, n_tags)

    def forward(self, word_ids, keep):
        hidden = self.encoder(input_ids=word_ids, attention_mask=keep).last_hidden_state
        return self.tag_head(hidden)

    def _loss(self, batch):
        scores = self(batch["word_ids"], batch["keep"])
        return F.cross_entropy(scores.transpose(1, 2), batch["gold"], ignore_index=-100)

    def training_step(self, batch, batch_idx):
        loss = self._loss(batch)
        self.log("train_loss", loss, batch_size=batch["word_ids"].size(0))
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", self._loss(batch), batch_size=batch["word_ids"].size(0))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def make_collate(word2id, tag2id):
    cls_id, sep_id = word2id["[CLS]"], word2id["[SEP]"]

    def collate(records):
        seqs = [[cls_id] + [word2id.get(w, 1) for w in r["words"]] + [sep_id] for r in records]
        golds = [[-100] + [tag2id[t] for t in r["tags"]] + [-100] for r in records]
        width = max(map(len, seqs))
        word_ids = torch.zeros(len(seqs), width, dtype=torch.long)
        gold = torch.full((len(seqs), width), -100, dtype=torch.long)
        for i, (s, g) in enumerate(zip(seqs, golds)):
            word_ids[i, :len(s)] = torch.tensor(s)
            gold[i, :len(g)] = torch.tensor(g)
        return {"word_ids": word_ids, "keep": (word_ids != 0).long(), "gold": gold}

    return collate


def main():
    root = tempfile.mkdtemp(prefix="protocols_")
    write_files(root)
    with open(os.path.join(root, "tags.tsv"), newline="") as fh:
        tag_names = sorted(set(r["tag"] for r in csv.DictReader(fh, delimiter="\t")))
    tag2id = {t: i for i, t in enumerate(tag_names)}
    train = list(iter_jsonl(os.path.join(root, "train.jsonl")))
    dev = list(iter_jsonl(os.path.join(root, "dev.jsonl")))

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    words = sorted({w for r in train + dev for w in r["words"]})
    word2id = {w: i for i, w in enumerate(specials + words)}
    print(f"{len(train)} train steps, {len(tag_names)} tags, {len(word2id)} word types")

    collate = make_collate(word2id, tag2id)
    train_dl = DataLoader(train, batch_size=4, shuffle=True, collate_fn=collate)
    dev_dl = DataLoader(dev, batch_size=4, collate_fn=collate)

    model = ProtocolTagger(len(word2id), len(tag_names))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, dev_dl)
    print("val_loss:", float(trainer.callback_metrics["val_loss"]))


if __name__ == "__main__":
    main()
