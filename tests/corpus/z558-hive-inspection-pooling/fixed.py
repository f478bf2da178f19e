"""Hive-inspection triage: classify beekeepers' field notes into colony states.

Mean-pooled BERT encoder + linear head, trained with Lightning on CPU.
"""
import functools
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

STATES = ["healthy", "queenless", "swarm_prep", "brood_disease"]
NOTES = [
    ("eggs and young larvae seen on four frames calm bees", "healthy"),
    ("no eggs no young brood roaring when opened", "queenless"),
    ("several capped queen cells along bottom bars crowded boxes", "swarm_prep"),
    ("sunken perforated cappings ropey larvae foul smell", "brood_disease"),
    ("good laying pattern stores building up", "healthy"),
    ("laying workers multiple eggs per cell drone brood in worker cells", "queenless"),
    ("bees bearding at entrance queen cups charged with larvae", "swarm_prep"),
    ("spotty brood pattern discoloured larvae melted down", "brood_disease"),
    ("queen spotted marked blue plenty of pollen", "healthy"),
    ("emergency cells on face of comb no queen found", "queenless"),
    ("backfilled brood nest with nectar many drones", "swarm_prep"),
    ("scale in cells chalky mummies on landing board", "brood_disease"),
]


def write_vocab(sentences):
    words = sorted({w for s in sentences for w in s.split()})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


def collate_notes(rows, tokenizer):
    texts, states = zip(*rows)
    enc = tokenizer(list(texts), padding=True, return_tensors="pt")
    return {
        "ids": enc["input_ids"],
        "attn": enc["attention_mask"],
        "state": torch.tensor([STATES.index(s) for s in states]),
    }


class HiveNoteClassifier(L.LightningModule):
    def __init__(self, vocab_size, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, len(STATES))

    def embed(self, ids, attn):
        hidden = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        weights = attn.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * weights).sum(dim=1)
        counts = weights.sum(dim=1).clamp(min=1.0)
        return summed / counts

    def forward(self, ids, attn):
        return self.head(self.dropout(self.embed(ids, attn)))

    def training_step(self, batch, batch_idx):
        logits = self(batch["ids"], batch["attn"])
        loss = F.cross_entropy(logits, batch["state"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tokenizer = BertTokenizer(write_vocab([n for n, _ in NOTES]))
    loader = DataLoader(NOTES, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate_notes, tokenizer=tokenizer))
    model = HiveNoteClassifier(tokenizer.vocab_size)
    print(f"training on {len(NOTES)} inspection notes, {len(STATES)} colony states")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)

    model.eval()
    check = collate_notes([("queen cells capped bees clustering outside", "swarm_prep")], tokenizer)
    with torch.no_grad():
        guess = model(check["ids"], check["attn"]).argmax(-1).item()
    print("check note ->", STATES[guess])


if __name__ == "__main__":
    main()
