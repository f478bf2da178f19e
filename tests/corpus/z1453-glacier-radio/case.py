"""Urgency triage for glacier field-station radio logs (tiny BERT, Accelerate).

Small in-house loop: a MiniTrainer fires named hooks, and callbacks do the batch
work (packing ids, attention, device moves, logging).
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)
SEQ_LEN = 32
URGENCY = ["routine", "weather", "equipment", "medical"]

LOGS = [
    ("all crews checked in camp two quiet night", 0),
    ("supply drop received fuel drums stacked by hut", 0),
    ("whiteout moving up the icefall visibility under fifty metres", 1),
    ("katabatic gusts rising tents need extra anchors", 1),
    ("snowmobile track snapped stranded near moraine", 2),
    ("generator failed at dusk batteries at twenty percent", 2),
    ("climber fell into crevasse possible broken wrist", 3),
    ("signs of frostbite on two fingers requesting evac", 3),
]


def write_vocab():
    words = sorted({w for text, _ in LOGS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + words) + "\n")
    return path


class PackIds:
    def __init__(self, tokenizer, seq_len):
        self.tok, self.seq_len = tokenizer, seq_len

    def on_batch(self, trainer, batch):
        rows, lengths = [], []
        for text in batch.pop("text"):
            ids = self.tok.encode(text, truncation=True, max_length=self.seq_len)
            lengths.append(len(ids))
            rows.append(ids + [self.tok.pad_token_id] * (self.seq_len - len(ids)))
        batch["input_ids"] = torch.tensor(rows)
        batch["lengths"] = torch.tensor(lengths)
        return batch


class LengthAttention:
    """Builds the padding mask from true lengths (no reliance on pad id)."""

    width = None

    def on_epoch_start(self, trainer):
        self.width = trainer.max_len

    def on_batch(self, trainer, batch):
        lengths = batch.pop("lengths")
        keep = torch.arange(self.width)[None, :] < lengths[:, None]
        batch["attention_mask"] = keep.long()
        return batch


class MoveTo:
    def __init__(self, device):
        self.device = device

    def on_batch(self, trainer, batch):
        return {k: v.to(self.device) for k, v in batch.items()}


class History:
    def __init__(self):
        self.losses = []

    def on_eval(self, trainer, metrics):
        self.losses.append(metrics["loss"])
        print(f"  epoch {trainer.epoch}: loss={metrics['loss']:.4f} acc={metrics['acc']:.2f}")


class MiniTrainer:
    def __init__(self, model, optimizer, loader, accelerator, callbacks, epochs=3, max_len=48):
        self.model, self.optimizer, self.loader = model, optimizer, loader
        self.acc, self.callbacks = accelerator, callbacks
        self.epochs, self.max_len, self.epoch = epochs, max_len, 0

    def dispatch(self, event, *payload):
        for cb in self.callbacks:
            hook = getattr(cb, event, None)
            if hook is None:
                continue
            result = hook(self, *payload)
            if event == "on_batch":
                payload = (result,)
        return payload[0] if payload else None

    def fit(self):
        for self.epoch in range(1, self.epochs + 1):
            self.dispatch("on_epoch_start")
            self.model.train()
            total, hits, seen = 0.0, 0, 0
            for raw in self.loader:
                batch = self.dispatch("on_batch", dict(raw))
                target = batch.pop("target")
                logits = self.model(**batch).logits
                loss = F.cross_entropy(logits, target)
                self.acc.backward(loss)
                self.optimizer.step()
                self.optimizer.zero_grad()
                total += loss.item() * len(target)
                hits += (logits.argmax(-1) == target).sum().item()
                seen += len(target)
            self.dispatch("on_eval", {"loss": total / seen, "acc": hits / seen})


def collate(rows):
    return {"text": [t for t, _ in rows], "target": torch.tensor([y for _, y in rows])}


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(URGENCY))
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(LOGS, batch_size=4, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    history = History()
    callbacks = [PackIds(tokenizer, seq_len=SEQ_LEN), LengthAttention(),
                 MoveTo(accelerator.device), history]
    trainer = MiniTrainer(model, optimizer, loader, accelerator, callbacks)
    print(f"training on {accelerator.device} with {len(LOGS)} radio logs")
    trainer.fit()
    print("loss curve:", [round(x, 3) for x in history.losses])


if __name__ == "__main__":
    main()
