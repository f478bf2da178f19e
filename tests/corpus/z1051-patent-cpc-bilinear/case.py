"""Ranks CPC subclass codes for patent claims with a bilinear compatibility score.

Claims go through a small BERT; CPC codes are learned vectors of their own (smaller) width.
"""
import math
import os
import tempfile

import torch
from torch import nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = int(os.environ.get("CPC_SEED", "3"))
CLAIM_DIM = int(os.environ.get("CPC_CLAIM_DIM", "32"))
CODE_DIM = int(os.environ.get("CPC_CODE_DIM", "24"))
BATCH = int(os.environ.get("CPC_BATCH", "4"))
MAX_EPOCHS = int(os.environ.get("CPC_EPOCHS", "2"))

CODES = ["A61K", "B60L", "G06N", "H01M", "F03D"]
CLAIMS = [
    ("a pharmaceutical composition comprising an antibody formulated for subcutaneous injection", "A61K"),
    ("an electric vehicle charging circuit with regenerative braking control", "B60L"),
    ("a neural network trained by gradient descent to classify images", "G06N"),
    ("a lithium ion cell with a silicon anode and ceramic separator", "H01M"),
    ("a wind turbine rotor blade with adjustable pitch", "F03D"),
    ("a tablet comprising an active ingredient and a binder", "A61K"),
    ("a battery pack thermal management system for a traction motor", "B60L"),
    ("a method for training a transformer model on text", "G06N"),
]


def vocab_file(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tempfile.mkdtemp(prefix="cpc_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class BilinearScorer(nn.Module):
    """score(q, c) = q^T W c for every query/candidate pair."""

    def __init__(self, query_dim, cand_dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cand_dim, query_dim))
        nn.init.xavier_uniform_(self.weight)
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, queries, candidates):
        projected = queries @ self.weight            # (n_queries, cand_dim)
        return projected @ candidates.T + self.bias  # (n_queries, n_candidates)


class ClaimCodeRanker(L.LightningModule):
    def __init__(self, vocab_size, n_codes, lr=1e-3, **encoder_kwargs):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=CLAIM_DIM, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, **encoder_kwargs)
        self.encoder = BertModel(cfg)
        self.code_vectors = nn.Embedding(n_codes, CODE_DIM)
        self.scorer = BilinearScorer(cfg.hidden_size, CODE_DIM)
        self.temperature = math.sqrt(CODE_DIM)

    def forward(self, **enc):
        claim_vec = self.encoder(**enc).last_hidden_state[:, 0]
        return self.scorer(claim_vec, self.code_vectors.weight) / self.temperature

    def training_step(self, batch, batch_idx):
        gold = batch.pop("gold")
        scores = self(**batch)
        loss = F.cross_entropy(scores, gold)
        self.log("train_loss", loss, prog_bar=False, batch_size=gold.size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def collate_with(tokenizer, **tok_kwargs):
    def _collate(rows):
        enc = tokenizer([c for c, _ in rows], return_tensors="pt", padding=True, **tok_kwargs)
        enc = {k: v for k, v in enc.items()}
        enc["gold"] = torch.tensor([CODES.index(code) for _, code in rows])
        return enc
    return _collate


def run(**module_kwargs):
    L.seed_everything(SEED, verbose=False)
    tok = BertTokenizer(vocab_file([c for c, _ in CLAIMS]))
    loader = DataLoader(CLAIMS, batch_size=BATCH, shuffle=True,
                        collate_fn=collate_with(tok, truncation=True, max_length=48))
    module = ClaimCodeRanker(tok.vocab_size, len(CODES), **module_kwargs)
    trainer = L.Trainer(max_epochs=MAX_EPOCHS, accelerator="cpu", devices=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(module, loader)
    print("final loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    run(lr=float(os.environ.get("CPC_LR", "1e-3")),
        hidden_dropout_prob=float(os.environ.get("CPC_DROPOUT", "0.1")))
