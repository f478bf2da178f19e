"""Hive inspection notes -> colony state, tiny BERT in Lightning with
hidden-state mixup on the [CLS] vector (helps a lot with this few notes)."""
import os
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(5, verbose=False)

STATES = ["queenright", "queenless", "swarm_prep", "brood_disease"]
NOTES = [
    ("eggs and young larvae seen queen spotted on frame four", "queenright"),
    ("good laying pattern calm colony marked queen seen", "queenright"),
    ("fresh eggs present brood in all stages", "queenright"),
    ("capped brood solid queen seen on frame six", "queenright"),
    ("no eggs no young larvae colony roaring when opened", "queenless"),
    ("emergency cells on frame three no eggs seen", "queenless"),
    ("laying workers multiple eggs per cell drone brood in worker cells", "queenless"),
    ("no brood at all bees restless queen not found", "queenless"),
    ("queen cups charged with larvae along bottom bars", "swarm_prep"),
    ("several capped swarm cells colony very crowded", "swarm_prep"),
    ("brood nest backfilled with nectar queen cells started", "swarm_prep"),
    ("bees hanging outside entrance swarm cells on frame two", "swarm_prep"),
    ("sunken perforated cappings ropey test positive", "brood_disease"),
    ("chalky mummies on landing board spotty brood", "brood_disease"),
    ("twisted larvae and sour smell in brood nest", "brood_disease"),
    ("scattered brood with sunken cappings and odd smell", "brood_disease"),
    ("eggs seen queen healthy colony building up", "queenright"),
    ("queen cells capped and colony crowded", "swarm_prep"),
    ("no eggs seen and emergency cells drawn", "queenless"),
    ("spotty brood and chalky larvae in cells", "brood_disease"),
]
HELD_OUT = [
    ("queen seen eggs present", "queenright"),
    ("no eggs colony roaring", "queenless"),
    ("swarm cells along bottom bars", "swarm_prep"),
    ("sunken cappings and ropey larvae", "brood_disease"),
]


def build_tokenizer(texts):
    folder = tempfile.mkdtemp()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def collate(rows, tokenizer):
    enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
    enc["state"] = torch.tensor([STATES.index(s) for _, s in rows])
    return dict(enc)


class CLSMixup:
    """Mix pooled sentence vectors (and their one-hot targets) with a shuffled partner."""

    def __init__(self, alpha, n_rows):
        self.beta = torch.distributions.Beta(alpha, alpha)
        self.n_rows = n_rows

    def __call__(self, vectors, targets):
        lam = self.beta.sample().item()
        partner = torch.randperm(self.n_rows)
        mixed_vec = lam * vectors + (1 - lam) * vectors[partner]
        mixed_tgt = lam * targets + (1 - lam) * targets[partner]
        return mixed_vec, mixed_tgt


class HiveClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_train, lr=1e-3, mix_alpha=0.4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, len(STATES))
        self.mixup = CLSMixup(mix_alpha, n_train)

    def sentence_vectors(self, batch):
        out = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           token_type_ids=batch["token_type_ids"])
        return out.last_hidden_state[:, 0]

    def training_step(self, batch, batch_idx):
        vecs = self.sentence_vectors(batch)
        onehot = F.one_hot(batch["state"], len(STATES)).float()
        vecs, soft = self.mixup(vecs, onehot)
        loss = F.cross_entropy(self.head(vecs), soft)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self.head(self.sentence_vectors(batch))
        acc = (logits.argmax(-1) == batch["state"]).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tokenizer = build_tokenizer([t for t, _ in NOTES + HELD_OUT])
    coll = partial(collate, tokenizer=tokenizer)
    train_dl = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=coll)
    val_dl = DataLoader(HELD_OUT, batch_size=4, collate_fn=coll)
    print(f"train notes: {len(NOTES)}, held-out notes: {len(HELD_OUT)}")

    model = HiveClassifier(vocab_size=len(tokenizer), n_train=len(NOTES))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(model, train_dl, val_dl)
    print("final metrics:", {k: round(float(v), 3) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
