"""Dual-encoder for patent claim -> prior-art retrieval, trained with Lightning.

Besides in-batch negatives we keep a small bank of "hard" prior-art embeddings
from previous steps, and a window of recent losses for a smoothed progress print.
"""
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

PAIRS = [
    ("a fastening clip with a resilient tongue engaging a slot", "spring clip having flexible tongue received in a slot"),
    ("a wind turbine blade with a serrated trailing edge", "rotor blade trailing edge provided with serrations for noise"),
    ("a battery module with a cooling plate between cells", "cell stack with thermally conductive plate for heat removal"),
    ("a drip emitter having a pressure compensating membrane", "irrigation dripper with flexible diaphragm regulating flow"),
    ("a hinge with a damping cylinder for a cabinet door", "furniture hinge comprising a fluid damper for soft closing"),
    ("a bicycle chain guide mounted on the frame", "chain retention device attached to a cycle frame"),
    ("a filter cartridge with a pleated membrane and end caps", "pleated filter element sealed by two end caps"),
    ("a surgical stapler with an articulating jaw", "stapling instrument having a pivotable jaw assembly"),
]


@dataclass
class RetrievalConfig:
    hidden: int = 32
    temperature: float = 0.1
    bank_size: int = 6      # hard prior-art negatives carried between steps
    loss_window: int = 10   # steps averaged in the progress print
    lr: float = 5e-4


def write_vocab():
    words = sorted({w for claim, prior in PAIRS for w in (claim + " " + prior).split()})
    folder = tempfile.mkdtemp(prefix="priorart_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class PairCollator:
    def __init__(self, tokenizer, max_len=32):
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __call__(self, rows):
        claims, priors = zip(*rows)
        kw = dict(padding=True, truncation=True, max_length=self.max_len, return_tensors="pt")
        return {"claim": dict(self.tokenizer(list(claims), **kw)), "prior": dict(self.tokenizer(list(priors), **kw))}


class PriorArtRetriever(L.LightningModule):
    def __init__(self, vocab_size, cfg: RetrievalConfig):
        super().__init__()
        self.cfg = cfg
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.register_buffer("neg_bank", torch.zeros(cfg.bank_size, cfg.hidden))
        self.register_buffer("bank_count", torch.zeros((), dtype=torch.long))
        self.register_buffer("loss_hist", torch.zeros(cfg.loss_window))

    def encode(self, enc):
        hidden = self.encoder(**enc).last_hidden_state
        weights = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)

    def training_step(self, batch, batch_idx):
        q = self.encode(batch["claim"])
        d = self.encode(batch["prior"])
        n_bank = int(min(self.bank_count.item(), self.cfg.bank_size))
        candidates = torch.cat([d, self.neg_bank[:n_bank]], dim=0)
        scores = q @ candidates.T / self.cfg.temperature
        loss = F.cross_entropy(scores, torch.arange(q.size(0), device=q.device))

        with torch.no_grad():
            slot = self.global_step % self.cfg.loss_window
            self.loss_hist[slot] = loss.detach()
            # the positive the model was least sure about becomes a future negative
            in_batch = scores[:, : d.size(0)]
            margin = in_batch.diag() - in_batch.masked_fill(torch.eye(d.size(0), dtype=torch.bool, device=d.device), -1e4).max(1).values
            self.neg_bank[slot] = d[margin.argmin()]
            self.bank_count += 1

        if self.global_step % 4 == 0:
            filled = min(self.global_step + 1, self.cfg.loss_window)
            print(f"step {self.global_step:3d}  loss {loss.item():.4f}  smoothed {self.loss_hist[:filled].mean().item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    tokenizer = BertTokenizer(write_vocab())
    cfg = RetrievalConfig()
    loader = DataLoader(PAIRS, batch_size=4, shuffle=True, collate_fn=PairCollator(tokenizer))
    model = PriorArtRetriever(tokenizer.vocab_size, cfg)
    trainer = L.Trainer(accelerator="cpu", devices=1, max_epochs=6, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print(f"done after {trainer.global_step} steps; bank holds {min(model.bank_count.item(), cfg.bank_size)} negatives")


if __name__ == "__main__":
    main()
