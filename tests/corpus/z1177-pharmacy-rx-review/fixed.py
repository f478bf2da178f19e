# Flag prescriptions for pharmacist review: drug / dose / prescriber note packed into one BERT input.
import os
import tempfile
from dataclasses import dataclass, field

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(11)

FIELDS = ("drug", "dose", "note")
SCRIPTS = [
    ({"drug": "warfarin", "dose": "5 mg daily", "note": "patient also started aspirin"}, 1),
    ({"drug": "amoxicillin", "dose": "500 mg three times daily", "note": "no known allergy"}, 0),
    ({"drug": "methotrexate", "dose": "10 mg daily", "note": "weekly dosing intended"}, 1),
    ({"drug": "metformin", "dose": "500 mg twice daily", "note": "renal function normal"}, 0),
    ({"drug": "digoxin", "dose": "250 mcg daily", "note": "elderly patient low weight"}, 1),
    ({"drug": "atorvastatin", "dose": "20 mg nightly", "note": "repeat prescription"}, 0),
]


def make_tokenizer():
    words = sorted({w for rx, _ in SCRIPTS for v in rx.values() for w in v.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate(rows, tok):
    packed = [" [SEP] ".join(rx[f] for f in FIELDS) for rx, _ in rows]
    enc = tok(packed, padding=True, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
            "labels": torch.tensor([y for _, y in rows])}


@dataclass
class RunState:
    sep_id: int
    epoch: int = 0
    step: int = 0
    num_segments: int = 0
    correct: int = 0
    seen: int = 0
    history: list = field(default_factory=list)


class SegmentTagger:
    """Each [SEP]-delimited field gets its own segment id."""

    def on_batch_start(self, state, batch):
        ids = batch["input_ids"]
        is_sep = (ids == state.sep_id).long()
        segs = (is_sep.cumsum(dim=1) - is_sep) * batch["attention_mask"]
        state.num_segments = max(state.num_segments, int(segs.max()) + 1)
        batch["token_type_ids"] = segs
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class ReviewMetrics:
    def on_batch_start(self, state, batch):
        state._gold = batch["labels"]
        return batch

    def on_forward(self, state, outputs):
        pred = outputs.logits.argmax(-1)
        state.correct += int((pred == state._gold).sum())
        state.seen += len(pred)
        state.history.append(outputs.loss.item())
        return outputs

    def on_epoch_end(self, state):
        acc = state.correct / max(state.seen, 1)
        print(f"epoch {state.epoch}: loss {state.history[-1]:.4f} acc {acc:.2f} "
              f"segments/input {state.num_segments}")
        state.correct = state.seen = 0


class Engine:
    def __init__(self, model, optimizer, loader, accelerator, callbacks, state):
        self.model, self.optimizer, self.loader = model, optimizer, loader
        self.acc = accelerator
        self.callbacks = callbacks
        self.state = state

    def _emit(self, hook, payload=None):
        for cb in self.callbacks:
            if payload is None:
                getattr(cb, hook)(self.state)
            else:
                payload = getattr(cb, hook)(self.state, payload)
        return payload

    def run(self, epochs):
        self.model.train()
        for _ in range(epochs):
            for batch in self.loader:
                batch = self._emit("on_batch_start", batch)
                outputs = self.model(**batch)
                self.acc.backward(outputs.loss)
                self.optimizer.step()
                self.optimizer.zero_grad()
                self._emit("on_forward", outputs)
                self.state.step += 1
            self._emit("on_epoch_end")
            self.state.epoch += 1


def main():
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer()
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, type_vocab_size=len(FIELDS), num_labels=2)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(SCRIPTS, batch_size=3, shuffle=True, collate_fn=lambda r: collate(r, tok))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    state = RunState(sep_id=tok.sep_token_id)
    engine = Engine(model, optimizer, loader, accelerator, [SegmentTagger(), ReviewMetrics()], state)
    engine.run(epochs=3)
    accelerator.print(f"finished {state.step} steps")


if __name__ == "__main__":
    main()
