"""Aircraft maintenance log triage: one encoder, one head per task, trained with Lightning.

Validation scores an ensemble of the live heads and their EMA copies.
"""
import copy
import os
import random
import tempfile
from collections import namedtuple

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

TaskSpec = namedtuple("TaskSpec", "num_labels max_len")
TASKS = {
    "subsystem": TaskSpec(num_labels=5, max_len=20),  # hydraulics avionics gear engine cabin
    "severity": TaskSpec(num_labels=3, max_len=16),   # cosmetic deferrable grounding
}
TASK_INDEX = {name: i for i, name in enumerate(TASKS)}

LOGS = {
    "subsystem": [
        ("hydraulic pressure low on system b", 0), ("pfd flicker during climb", 1),
        ("nose gear shimmy on taxi", 2), ("engine two egt exceedance", 3),
        ("lavatory door latch loose", 4), ("hydraulic leak at aileron actuator", 0),
        ("autopilot disconnect without warning", 1), ("main gear tire worn", 2),
        ("oil pressure fluctuating engine one", 3), ("seat recline inoperative row 12", 4),
    ],
    "severity": [
        ("scratch on galley panel", 0), ("reading light inop seat 4c", 1),
        ("fuel leak at wing root", 2), ("paint chipped on cowling", 0),
        ("one coffee maker inop", 1), ("brake temp exceedance on landing", 2),
    ],
}


class RoundRobinBatches(IterableDataset):
    def __init__(self, tok, split_rows, batch_size):
        self.tok, self.rows, self.bs = tok, split_rows, batch_size

    def _task_batches(self, task):
        rows = self.rows[task]
        for i in range(0, len(rows), self.bs):
            chunk = rows[i:i + self.bs]
            enc = self.tok([t for t, _ in chunk], padding=True, truncation=True,
                           max_length=TASKS[task].max_len, return_tensors="pt")
            yield {"task": task, **enc, "target": torch.tensor([y for _, y in chunk])}

    def __iter__(self):
        streams = [self._task_batches(t) for t in TASKS]
        while streams:
            for s in list(streams):
                b = next(s, None)
                if b is None:
                    streams.remove(s)
                else:
                    yield b


class MaintLogModel(L.LightningModule):
    def __init__(self, vocab_size, ema_decay=0.9):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({t: nn.Linear(32, TASKS[t].num_labels) for t in sorted(TASKS)})
        self.ema_heads = nn.ModuleList(copy.deepcopy(h) for h in self.heads.values())
        for p in self.ema_heads.parameters():
            p.requires_grad_(False)
        self.decay = ema_decay

    def pooled(self, batch):
        out = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           token_type_ids=batch["token_type_ids"])
        return out.last_hidden_state[:, 0]

    def training_step(self, batch, _):
        task = batch["task"]
        loss = F.cross_entropy(self.heads[task](self.pooled(batch)), batch["target"])
        self.log(f"train_loss/{task}", loss, batch_size=len(batch["target"]))
        return loss

    @torch.no_grad()
    def on_train_batch_end(self, *_):
        for live, ema in zip(self.heads.values(), self.ema_heads):
            for p_live, p_ema in zip(live.parameters(), ema.parameters()):
                p_ema.mul_(self.decay).add_(p_live, alpha=1 - self.decay)

    def validation_step(self, batch, _):
        task = batch["task"]
        h = self.pooled(batch)
        live_logits = self.heads[task](h)
        ema_logits = self.ema_heads[TASK_INDEX[task]](h)
        probs = (live_logits.softmax(-1) + ema_logits.softmax(-1)) / 2
        acc = (probs.argmax(-1) == batch["target"]).float().mean()
        self.log(f"val_acc/{task}", acc, batch_size=len(batch["target"]))

    def configure_optimizers(self):
        return torch.optim.AdamW([p for p in self.parameters() if p.requires_grad], lr=5e-4)


def build_tokenizer():
    words = sorted({w for rows in LOGS.values() for t, _ in rows for w in t.split()})
    vocab = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab)


def main():
    tok = build_tokenizer()
    rng = random.Random(0)
    train, val = {}, {}
    for task, rows in LOGS.items():
        rows = rows[:]
        rng.shuffle(rows)
        cut = int(len(rows) * 0.7)
        train[task], val[task] = rows[:cut], rows[cut:]
        print(f"{task}: {len(train[task])} train / {len(val[task])} val")

    model = MaintLogModel(len(tok))
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model,
                DataLoader(RoundRobinBatches(tok, train, 3), batch_size=None),
                DataLoader(RoundRobinBatches(tok, val, 4), batch_size=None))
    print({k: round(v.item(), 3) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
