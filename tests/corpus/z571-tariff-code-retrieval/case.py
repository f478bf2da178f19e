"""Dual-encoder for suggesting HS tariff headings from invoice line descriptions.

Shared tiny BERT tower, [CLS] embeddings, in-batch contrastive loss with one
positive and two hard-negative headings per invoice line. Lightning for the loop.
"""
import os
import random
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

HEADINGS = {
    "0901": "coffee whether or not roasted or decaffeinated",
    "0902": "tea whether or not flavoured",
    "4202": "trunks suitcases handbags and similar containers",
    "6403": "footwear with outer soles of rubber and uppers of leather",
    "6109": "t shirts singlets and other vests knitted",
    "8471": "automatic data processing machines and units thereof",
    "8517": "telephone sets including smartphones",
    "9503": "toys puzzles and scale models",
}

INVOICE_LINES = [
    ("roasted arabica beans 1kg bags", "0901", ["0902", "9503"]),
    ("green tea sencha loose leaf", "0902", ["0901", "6109"]),
    ("leather handbag with shoulder strap", "4202", ["6403", "6109"]),
    ("mens leather boots rubber sole", "6403", ["4202", "9503"]),
    ("cotton crew neck t shirt knitted", "6109", ["6403", "4202"]),
    ("laptop computer 14 inch", "8471", ["8517", "9503"]),
    ("android smartphone 128gb", "8517", ["8471", "0902"]),
    ("wooden jigsaw puzzle 500 pieces", "9503", ["8471", "0901"]),
]


def collate(rows, tokenizer):
    queries = [text for text, _, _ in rows]
    passages = []
    for _, pos, negs in rows:
        passages.append(HEADINGS[pos])
        passages.extend(HEADINGS[n] for n in negs)
    q = tokenizer(queries, padding=True, return_tensors="pt")
    p = tokenizer(passages, padding=True, return_tensors="pt")
    return {"q": dict(q), "p": dict(p), "group": 1 + len(rows[0][2])}


class TariffRetriever(L.LightningModule):
    def __init__(self, bert_config, temperature=0.05, lr=3e-4):
        super().__init__()
        self.save_hyperparameters(ignore=["bert_config"])
        self.tower = BertModel(bert_config)

    def embed(self, enc):
        hidden = self.tower(**enc).last_hidden_state[:, 0]
        return F.normalize(hidden, dim=-1)

    def training_step(self, batch, batch_idx):
        line_vecs = self.embed(batch["q"])
        heading_vecs = self.embed(batch["p"])
        scores = heading_vecs @ line_vecs.T / self.hparams.temperature
        # positive heading of line i sits at i * group in the passage list
        target = torch.arange(line_vecs.size(0), device=self.device) * batch["group"]
        loss = F.cross_entropy(scores, target)
        self.log("train_loss", loss, batch_size=line_vecs.size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    workdir = tempfile.mkdtemp()
    words = sorted({w for t in HEADINGS.values() for w in t.split()}
                   | {w for t, _, _ in INVOICE_LINES for w in t.split()})
    vocab_file = os.path.join(workdir, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_file)
    print(f"vocab: {len(tokenizer)} tokens, {len(HEADINGS)} headings, {len(INVOICE_LINES)} lines")

    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = TariffRetriever(cfg)

    rows = INVOICE_LINES[:]
    random.shuffle(rows)
    loader = DataLoader(rows, batch_size=4, shuffle=True, collate_fn=partial(collate, tokenizer=tokenizer))

    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(model, loader)
    print("final train_loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
