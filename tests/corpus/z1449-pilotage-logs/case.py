"""Boarding-risk tagger for harbour pilotage log entries.

Each entry has three fields (vessel, berth, tide/weather). They are packed into one
BERT input with a segment id per field so the model can tell them apart.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

LOGS = [
    ({"vessel": "bulk carrier 190m deep draft", "berth": "ore jetty two",
      "tide": "ebb spring tide strong crosswind"}, 2),
    ({"vessel": "small tanker ballast", "berth": "oil pier east",
      "tide": "slack water calm"}, 0),
    ({"vessel": "container ship 300m", "berth": "terminal four",
      "tide": "flood tide moderate swell"}, 1),
    ({"vessel": "ro ro ferry", "berth": "ferry ramp", "tide": "slack water light breeze"}, 0),
    ({"vessel": "car carrier high windage", "berth": "terminal four",
      "tide": "ebb tide gusts fog"}, 2),
    ({"vessel": "general cargo coaster", "berth": "inner basin",
      "tide": "flood tide calm"}, 1),
]
RISK = ["low", "medium", "high"]

WORDS = sorted({w for entry, _ in LOGS for text in entry.values() for w in text.split()})


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="pilot_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@dataclass
class TrainerState:
    epoch: int = 0
    step: int = 0
    history: list = field(default_factory=list)


class SegmentPacker:
    """Packs the log fields into [CLS] f0 [SEP] f1 [SEP] f2 [SEP], one segment id per field."""

    def __init__(self, tokenizer, fields=("vessel", "berth", "tide")):
        self.tok = tokenizer
        self.fields = fields

    def on_batch(self, trainer, batch):
        rows, segs = [], []
        for entry in batch.pop("entries"):
            ids, tt = [self.tok.cls_token_id], [0]
            for seg_no, name in enumerate(self.fields):
                piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(entry[name]))
                ids += piece + [self.tok.sep_token_id]
                tt += [seg_no] * (len(piece) + 1)
            rows.append(ids)
            segs.append(tt)
        width = max(map(len, rows))
        pad = lambda xs, v: [x + [v] * (width - len(x)) for x in xs]
        batch["input_ids"] = torch.tensor(pad(rows, self.tok.pad_token_id))
        batch["token_type_ids"] = torch.tensor(pad(segs, 0))
        batch["attention_mask"] = (batch["input_ids"] != self.tok.pad_token_id).long()
        return batch


class StepPrinter:
    def __init__(self, every=2):
        self.every = every

    def on_epoch_start(self, trainer):
        print(f"--- epoch {trainer.state.epoch} ---")

    def on_batch(self, trainer, batch):
        if trainer.state.step % self.every == 0:
            print(f"  step {trainer.state.step}: batch width {batch['input_ids'].shape[1]}")
        return batch

    def on_eval(self, trainer, metrics):
        trainer.state.history.append(metrics)
        print(f"  eval: {metrics}")


class MiniTrainer:
    EVENTS = ("on_epoch_start", "on_batch", "on_eval")

    def __init__(self, model, data, callbacks, epochs=2, batch_size=3):
        self.model, self.data, self.epochs, self.bs = model, data, epochs, batch_size
        self.state = TrainerState()
        self.opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
        self.handlers = {ev: [getattr(cb, ev) for cb in callbacks if hasattr(cb, ev)]
                         for ev in self.EVENTS}

    def emit(self, event, payload=None):
        for handler in self.handlers[event]:
            result = handler(self, payload) if payload is not None else handler(self)
            if event == "on_batch":
                payload = result
        return payload

    def loader(self):
        for start in range(0, len(self.data), self.bs):
            chunk = self.data[start:start + self.bs]
            yield {"entries": [e for e, _ in chunk], "labels": torch.tensor([y for _, y in chunk])}

    def train(self):
        for self.state.epoch in range(self.epochs):
            self.emit("on_epoch_start")
            self.model.train()
            for raw in self.loader():
                batch = self.emit("on_batch", raw)
                out = self.model(**batch)
                out.loss.backward()
                self.opt.step()
                self.opt.zero_grad()
                self.state.step += 1
            self.emit("on_eval", self.evaluate())

    @torch.no_grad()
    def evaluate(self):
        self.model.eval()
        correct = 0
        for raw in self.loader():
            batch = self.emit("on_batch", raw)
            correct += (self.model(**batch).logits.argmax(-1) == batch["labels"]).sum().item()
        return {"accuracy": round(correct / len(self.data), 3)}


def main():
    tokenizer = BertTokenizer(write_vocab(WORDS))
    packer = SegmentPacker(tokenizer)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(RISK),
    )
    model = BertForSequenceClassification(config)
    print(f"{len(LOGS)} pilotage entries, vocab {tokenizer.vocab_size}, fields {packer.fields}")
    trainer = MiniTrainer(model, LOGS, [packer, StepPrinter()])
    trainer.train()
    print("final accuracy:", trainer.state.history[-1]["accuracy"])


if __name__ == "__main__":
    main()
