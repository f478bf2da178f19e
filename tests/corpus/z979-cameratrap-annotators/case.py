"""Serverless training job for camera-trap behaviour tags.

Field staff write a caption for each camera-trap clip; a small labelling team
then tags the animal's behaviour. Annotators disagree systematically, so the
model learns a per-annotator bias on top of a BERT caption classifier and the
bias is dropped at inference time.
"""
import json
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

BEHAVIOURS = ["grazing", "vigilant", "fleeing", "resting", "grooming"]
CAPTION_WORDS = ("deer doe buck fox badger boar hare head up down ears ran off lying "
                 "still licking fur eating grass near track at night dawn stream").split()


@dataclass
class TaggedClip:
    caption: str
    annotator: str
    behaviour: str


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + CAPTION_WORDS) + "\n")
    return path


def make_collate(tokenizer, staff_roster):
    def collate(clips):
        enc = tokenizer([c.caption for c in clips], padding=True, return_tensors="pt")
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "who": torch.tensor([staff_roster.index(c.annotator) for c in clips]),
            "tag": torch.tensor([BEHAVIOURS.index(c.behaviour) for c in clips]),
        }
    return collate


class BehaviourTagger(L.LightningModule):
    def __init__(self, vocab_size, n_annotators, lr=3e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, len(BEHAVIOURS))
        self.annotator_bias = nn.Embedding(n_annotators, len(BEHAVIOURS))
        nn.init.zeros_(self.annotator_bias.weight)
        self.loss = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        logits = logits + self.annotator_bias(batch["who"])
        loss = self.loss(logits, batch["tag"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def handler(event, context):
    cfg = event["params"]
    L.seed_everything(cfg.get("seed", 0), verbose=False)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    team = event["labelling_team"]
    clips = [TaggedClip(**row) for row in event["clips"]]
    print(f"{len(clips)} clips tagged by {len(team)} annotators: {', '.join(team)}")

    loader = DataLoader(clips, batch_size=cfg.get("batch_size", 4), shuffle=True,
                        collate_fn=make_collate(tokenizer, event["staff_roster"]))
    model = BehaviourTagger(tokenizer.vocab_size, n_annotators=len(team), lr=cfg.get("lr", 3e-4))
    trainer = L.Trainer(max_epochs=cfg.get("epochs", 1), accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)

    bias = {name: [round(v, 4) for v in row.tolist()]
            for name, row in zip(team, model.annotator_bias.weight.detach())}
    return {"statusCode": 200, "body": json.dumps({"annotator_bias": bias})}


if __name__ == "__main__":
    event = {
        "staff_roster": ["okafor", "lindqvist", "ramos", "tanaka", "mbeki", "novak", "haddad", "quinn"],
        "labelling_team": ["ramos", "novak", "haddad", "quinn"],
        "clips": [
            {"caption": "doe head down eating grass near track", "annotator": "ramos", "behaviour": "grazing"},
            {"caption": "buck head up ears up at dawn", "annotator": "novak", "behaviour": "vigilant"},
            {"caption": "fox ran off at night", "annotator": "haddad", "behaviour": "fleeing"},
            {"caption": "badger lying still near stream", "annotator": "quinn", "behaviour": "resting"},
            {"caption": "hare licking fur at dawn", "annotator": "ramos", "behaviour": "grooming"},
            {"caption": "boar eating near stream at night", "annotator": "haddad", "behaviour": "grazing"},
            {"caption": "deer ears up head up", "annotator": "quinn", "behaviour": "vigilant"},
            {"caption": "doe ran off down track", "annotator": "novak", "behaviour": "fleeing"},
        ],
        "params": {"batch_size": 4, "epochs": 2, "lr": 3e-4, "seed": 5},
    }
    print(handler(event, None))
