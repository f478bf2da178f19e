"""Tag every word of long supply contracts with the clause it belongs to.

Contracts are longer than the encoder's position table, so they are cut into
overlapping windows, tagged window by window, and the window logits are
averaged back onto the document.
"""
import random
from dataclasses import dataclass

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification

L.seed_everything(5, verbose=False)
CLAUSES = ["parties", "term", "payment", "termination", "confidentiality"]
BANK = {
    "parties": ["this agreement is made between the supplier and the purchaser named below",
                "the supplier is a company registered under the laws of the state"],
    "term": ["this agreement commences on the effective date and runs for three years",
             "the term renews automatically for successive one year periods"],
    "payment": ["the purchaser shall pay each invoice within thirty days of receipt",
                "late payments accrue interest at one percent per month"],
    "termination": ["either party may terminate this agreement upon ninety days written notice",
                    "the purchaser may terminate immediately upon material breach by the supplier"],
    "confidentiality": ["each party shall keep the confidential information of the other party secret",
                        "confidentiality obligations survive termination for five years"],
}


@dataclass
class Contract:
    words: list
    tags: list


def draft_contract(n_sentences, rng):
    words, tags = [], []
    for _ in range(n_sentences):
        clause = rng.choice(CLAUSES)
        sent = rng.choice(BANK[clause]).split()
        words += sent
        tags += [CLAUSES.index(clause)] * len(sent)
    return Contract(words, tags)


class ContractWindows(L.LightningDataModule):
    def __init__(self, train_docs, pred_docs, vocab, window=32, stride=16, batch_size=4):
        super().__init__()
        self.save_hyperparameters(ignore=["train_docs", "pred_docs", "vocab"])
        self.train_docs, self.pred_docs, self.vocab = train_docs, pred_docs, vocab

    def cut(self, doc):
        span, step = self.hparams.window - 1, self.hparams.stride  # one slot goes to [CLS]
        ids = [self.vocab.get(w, 1) for w in doc.words]
        start, pieces = 0, []
        while True:
            chunk, gold = ids[start:start + span], doc.tags[start:start + span]
            pad = span - len(chunk)
            pieces.append({"input_ids": torch.tensor([2] + chunk + [0] * pad),
                           "attention_mask": torch.tensor([1] * (len(chunk) + 1) + [0] * pad),
                           "labels": torch.tensor([-100] + gold + [-100] * pad)})
            if start + span >= len(ids):
                return pieces
            start += step

    def setup(self, stage=None):
        self.train_windows = [w for d in self.train_docs for w in self.cut(d)]
        self.pred_windows, self.pred_owner = [], []
        for i, d in enumerate(self.pred_docs):
            pieces = self.cut(d)
            self.pred_windows += pieces
            self.pred_owner += [i] * len(pieces)

    def train_dataloader(self):
        return DataLoader(self.train_windows, batch_size=self.hparams.batch_size, shuffle=True)

    def predict_dataloader(self):
        return DataLoader(self.pred_windows, batch_size=self.hparams.batch_size)


class ClauseTagger(L.LightningModule):
    def __init__(self, vocab_size, window=32, stride=24, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=window, num_labels=len(CLAUSES))
        self.net = BertForTokenClassification(cfg)

    def training_step(self, batch, batch_idx):
        return self.net(**batch).loss

    def predict_step(self, batch, batch_idx):
        return self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def stitch(window_logits, n_tokens, span, stride):
    acc = torch.zeros(n_tokens, window_logits.size(-1))
    hits = torch.zeros(n_tokens, 1)
    for i, logits in enumerate(window_logits):
        # position 0 of every window is the [CLS] slot
        logits = logits[1:]
        start = i * stride
        keep = min(span, n_tokens - start)
        acc[start:start + keep] += logits[:keep]
        hits[start:start + keep] += 1
    return acc / hits


rng = random.Random(5)
train_docs = [draft_contract(11, rng) for _ in range(6)]
pred_docs = [draft_contract(11, rng) for _ in range(2)]
vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2}
for d in train_docs + pred_docs:
    for w in d.words:
        vocab.setdefault(w, len(vocab))

dm = ContractWindows(train_docs, pred_docs, vocab, window=32, stride=16)
model = ClauseTagger(len(vocab), window=32)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False, enable_model_summary=False)
trainer.fit(model, datamodule=dm)

all_windows = torch.cat(trainer.predict(model, datamodule=dm))
owner = torch.tensor(dm.pred_owner)
for i, doc in enumerate(pred_docs):
    doc_logits = stitch(all_windows[owner == i], len(doc.words), dm.hparams.window - 1, dm.hparams.stride)
    pred = doc_logits.argmax(-1)
    acc = (pred == torch.tensor(doc.tags)).float().mean().item()
    print(f"contract {i}: {len(doc.words)} words, clause tagging accuracy {acc:.3f}")
