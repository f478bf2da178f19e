# Harbour-master movement log classifier: arrival / departure / bunkering / anchorage.
# Tiny BERT encoder + linear head, trained with our callback engine.
import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

EVENTS = ["arrival", "departure", "bunkering", "anchorage"]
LOG = [
    ("mv nordkap alongside berth four pilot off", "arrival"),
    ("tug released outbound channel clear", "departure"),
    ("barge alongside fuel hose connected", "bunkering"),
    ("dropped anchor outer roads awaiting berth", "anchorage"),
    ("pilot boarded inbound made fast berth two", "arrival"),
    ("lines let go outbound pilot on bridge", "departure"),
    ("fuel transfer started barge secured", "bunkering"),
    ("anchored roads awaiting pilot window", "anchorage"),
]
VESSELS = ["nordkap", "aurelia", "kestrel", "tindra", "nordkap", "solvik", "aurelia", "kestrel"]


def write_vocab(rows):
    words = sorted({w for text, _ in rows for w in text.split()} | set(VESSELS))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


@dataclass
class RunState:
    epoch: int = 0
    step: int = 0
    marker_id: int = -1
    losses: list = field(default_factory=list)


class VesselMarker:
    """Puts a [VESSEL] marker right after [CLS] so the encoder knows which ship the line is about."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.tokenizer.add_tokens(["[VESSEL]"], special_tokens=True)

    def on_batch_start(self, state, batch):
        state.marker_id = self.tokenizer.convert_tokens_to_ids("[VESSEL]")
        ids, att = batch["input_ids"], batch["attention_mask"]
        col = torch.full((ids.size(0), 1), state.marker_id, dtype=ids.dtype)
        batch["input_ids"] = torch.cat([ids[:, :1], col, ids[:, 1:]], dim=1)
        batch["attention_mask"] = torch.cat([att[:, :1], torch.ones_like(col), att[:, 1:]], dim=1)
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class Printer:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        state.losses.append(outputs["loss"].item())
        return outputs

    def on_epoch_end(self, state):
        print(f"epoch {state.epoch} | steps {state.step} | loss {sum(state.losses) / len(state.losses):.3f}")
        state.losses = []


class Engine:
    def __init__(self, encoder, head, callbacks, lr=3e-4):
        self.encoder, self.head = encoder, head
        self.callbacks = callbacks
        self.state = RunState()
        params = list(encoder.parameters()) + list(head.parameters())
        self.opt = torch.optim.AdamW(params, lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def fit(self, loader, epochs):
        for ep in range(epochs):
            self.state.epoch = ep
            for batch in loader():
                for cb in self.callbacks:
                    batch = cb.on_batch_start(self.state, batch)
                target = batch.pop("event")
                hidden = self.encoder(**batch).last_hidden_state[:, 0]
                logits = self.head(hidden)
                loss = self.loss_fn(logits, target)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                self.state.step += 1
                out = {"logits": logits, "loss": loss}
                for cb in self.callbacks:
                    out = cb.on_forward(self.state, out)
            for cb in self.callbacks:
                cb.on_epoch_end(self.state)


def make_loader(tokenizer, rows, bs):
    def loader():
        for i in range(0, len(rows), bs):
            texts = [f"{VESSELS[j]} {rows[j][0]}" for j in range(i, min(i + bs, len(rows)))]
            enc = tokenizer(texts, padding=True, return_tensors="pt")
            enc = {k: v for k, v in enc.items() if k != "token_type_ids"}
            enc["event"] = torch.tensor([EVENTS.index(rows[j][1]) for j in range(i, min(i + bs, len(rows)))])
            yield enc
    return loader


def main():
    tok = BertTokenizer(write_vocab(LOG))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(cfg)
    head = nn.Linear(cfg.hidden_size, len(EVENTS))
    print(f"encoder vocab {cfg.vocab_size}, {sum(p.numel() for p in encoder.parameters())} params")

    callbacks = [VesselMarker(tok), Printer()]
    encoder.resize_token_embeddings(len(tok))
    engine = Engine(encoder, head, callbacks)
    engine.fit(make_loader(tok, LOG, bs=4), epochs=3)
    print("done, marker id", engine.state.marker_id)


if __name__ == "__main__":
    main()
