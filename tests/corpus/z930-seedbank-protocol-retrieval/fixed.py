"""Match seed-bank germination queries to protocol notes with a bi-encoder + bilinear scorer (Lightning).

Queries and notes share one tiny BERT; a learned bilinear form W scores every query against every note in
the batch, and the matching note (same row) is the positive for an in-batch softmax.
"""
import os
import tempfile
from typing import NamedTuple

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SPECIALS: list[str] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

PAIRS: list[tuple[str, str]] = [
    ("acacia seeds not sprouting after two weeks", "scarify hard coat then soak in hot water overnight"),
    ("lupin germination very slow", "nick the seed coat and keep at twenty degrees"),
    ("primula seeds dormant in tray", "cold stratify moist at four degrees for four weeks"),
    ("banksia cones will not release seed", "heat cones in oven briefly to open follicles"),
    ("orchid seed needs sterile start", "sow on agar medium with fungal partner in flask"),
    ("wild rice seeds dying in storage", "keep wet and cold never dry recalcitrant seed"),
    ("poppy seed mould on paper", "use fresh filter paper and dilute fungicide rinse"),
    ("tomato seed testing viability", "run tetrazolium stain on cut embryos"),
]


class PairBatch(NamedTuple):
    query_ids: torch.Tensor
    query_att: torch.Tensor
    note_ids: torch.Tensor
    note_att: torch.Tensor


def write_vocab(texts: list[str]) -> str:
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="seedbank_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def collate_pairs(tok: BertTokenizer, rows: list[tuple[str, str]]) -> PairBatch:
    q = tok([r[0] for r in rows], padding=True, return_tensors="pt")
    n = tok([r[1] for r in rows], padding=True, return_tensors="pt")
    return PairBatch(q["input_ids"], q["attention_mask"], n["input_ids"], n["attention_mask"])


def cls_vector(encoder: BertModel, ids: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
    return encoder(input_ids=ids, attention_mask=att).last_hidden_state[:, 0]


def bilinear_scores(queries: torch.Tensor, keys: torch.Tensor, form: nn.Linear) -> torch.Tensor:
    # score[i, j] = q_i^T W k_j for every query/note pair in the batch
    return form(queries) @ keys.T


class ProtocolMatcher(L.LightningModule):
    def __init__(self, vocab_size: int, hidden: int = 32, lr: float = 1e-3) -> None:
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hidden,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.encoder = BertModel(cfg)
        self.form = nn.Linear(hidden, hidden, bias=False)
        self.lr = lr

    def training_step(self, batch: PairBatch, batch_idx: int) -> torch.Tensor:
        q = cls_vector(self.encoder, batch.query_ids, batch.query_att)
        k = cls_vector(self.encoder, batch.note_ids, batch.note_att)
        scores = bilinear_scores(q, k, self.form)
        gold = torch.arange(scores.size(0), device=scores.device)
        loss = F.cross_entropy(scores, gold)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main() -> None:
    L.seed_everything(21, verbose=False)
    vocab_path = write_vocab([t for pair in PAIRS for t in pair])
    tok = BertTokenizer(vocab_path)
    loader = DataLoader(PAIRS, batch_size=4, shuffle=True, collate_fn=lambda rows: collate_pairs(tok, rows))
    model = ProtocolMatcher(vocab_size=tok.vocab_size)
    trainer = L.Trainer(
        max_epochs=2,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print(f"done, last loss {trainer.callback_metrics['train_loss'].item():.4f}")


if __name__ == "__main__":
    main()
