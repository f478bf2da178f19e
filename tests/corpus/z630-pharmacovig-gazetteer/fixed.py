"""Suspect-drug triage for spontaneous adverse-event reports.

A drug gazetteer finds candidate mentions in the free-text narrative; a small BERT
encoder then decides whether the matched drug is the suspect one (1) or just a
concomitant / historical medication (0). The mention is represented by the encoder
state at the gazetteer hit.
"""
import os
import re
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

GAZETTEER = ["warfarin", "metformin", "amoxicillin", "atorvastatin", "lisinopril", "ibuprofen", "sertraline"]
GAZ_RE = re.compile(r"\b(" + "|".join(GAZETTEER) + r")\b", re.IGNORECASE)

REPORTS = [
    ("Patient developed a widespread rash two days after starting Amoxicillin for otitis.", 1),
    ("Elderly male on long term Metformin presented with a fall, no new medication reported.", 0),
    ("Severe gum bleeding and bruising noted, INR 7.2 while taking Warfarin after antibiotic course.", 1),
    ("History of hypertension controlled with Lisinopril, admitted for elective knee surgery.", 0),
    ("Muscle pain and dark urine began shortly after the dose of Atorvastatin was doubled.", 1),
    ("Reporter states the child had fever; parents gave Ibuprofen at home before the visit.", 0),
    ("Agitation, tremor and sweating within hours of adding Sertraline to her regimen.", 1),
    ("Patient on Atorvastatin for years, current complaint is unrelated seasonal allergy.", 0),
    ("Persistent dry cough started a few weeks after initiation of Lisinopril therapy.", 1),
    ("Known diabetic taking Metformin, event was a minor car accident with no injury.", 0),
    ("Stomach pain and black stools after several days of high dose Ibuprofen for back pain.", 1),
    ("Prior course of Amoxicillin last year was well tolerated, now seen for routine check.", 0),
]


def write_vocab(texts):
    tokens = set()
    for t in texts:
        tokens.update(re.findall(r"\w+|[^\w\s]", t.lower()))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(tokens)) + "\n")
    return path


def collate_reports(rows, tokenizer):
    texts = [text for text, _ in rows]
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    hits = []
    for i, text in enumerate(texts):
        match = GAZ_RE.search(text)
        hits.append(enc.char_to_token(i, match.start()))
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "hit_pos": torch.tensor(hits),
        "target": torch.tensor([y for _, y in rows]),
    }


def states_at(hidden, positions):
    # hidden: (batch, seq, dim) -> one vector per example
    picked = [hidden[b].index_select(0, positions[b].view(1)) for b in range(hidden.size(0))]
    return torch.cat(picked, dim=0)


class SuspectDrugClassifier(L.LightningModule):
    def __init__(self, vocab_size, lr=3e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.scorer = nn.Sequential(nn.Linear(2 * cfg.hidden_size, 32), nn.GELU(), nn.Linear(32, 2))

    def forward(self, input_ids, attention_mask, hit_pos):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mention = states_at(hidden, hit_pos)
        return self.scorer(torch.cat([hidden[:, 0], mention], dim=-1))

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"], batch["hit_pos"])
        loss = F.cross_entropy(logits, batch["target"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tokenizer = BertTokenizer(write_vocab([t for t, _ in REPORTS]))
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True,
                        collate_fn=partial(collate_reports, tokenizer=tokenizer))
    model = SuspectDrugClassifier(tokenizer.vocab_size)
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("train_loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
