import argparse
import os
import random
from collections import namedtuple

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

Config = namedtuple(
    "Config",
    ["hidden", "layers", "heads", "num_segments", "max_len", "batch_size", "epochs", "lr", "seed"],
)

PROCEDURES = {
    "attach": ["rrc_setup_request", "rrc_setup", "attach_request", "auth_request", "auth_response",
               "security_mode_command", "security_mode_complete", "attach_accept", "attach_complete"],
    "handover": ["measurement_report", "handover_request", "handover_request_ack", "rrc_reconfiguration",
                 "rrc_reconfiguration_complete", "path_switch_request", "path_switch_ack"],
    "paging": ["paging", "rrc_setup_request", "rrc_setup", "service_request", "initial_context_setup"],
}
ANOMALY_MSGS = ["rrc_reject", "auth_failure", "handover_failure", "radio_link_failure", "t300_expiry"]
DIRECTIONS = ["uplink", "downlink", "core"]


def parse_args():
    p = argparse.ArgumentParser(description="Signalling trace anomaly detector")
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--num-segments", type=int, default=2)
    p.add_argument("--max-len", type=int, default=40)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args([])
    return Config(a.hidden, a.layers, a.heads, a.num_segments, a.max_len, a.batch_size, a.epochs, a.lr, a.seed)


def write_vocab(path):
    msgs = sorted({m for seq in PROCEDURES.values() for m in seq} | set(ANOMALY_MSGS))
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + msgs) + "\n")


def synth_traces(n, rng):
    traces = []
    for _ in range(n):
        proc = rng.choice(list(PROCEDURES))
        msgs = list(PROCEDURES[proc])
        label = int(rng.random() < 0.3)
        if label:
            msgs.insert(rng.randrange(1, len(msgs)), rng.choice(ANOMALY_MSGS))
        dirs = [rng.choice(DIRECTIONS) for _ in msgs]
        traces.append({"msgs": msgs, "dirs": dirs, "label": label})
    return traces


class TraceDataset(Dataset):
    def __init__(self, traces, tokenizer, direction_ids, max_len):
        self.items = []
        for t in traces:
            ids = tokenizer.convert_tokens_to_ids(["[CLS]"] + t["msgs"][: max_len - 2] + ["[SEP]"])
            segs = [0] + [direction_ids[d] for d in t["dirs"][: max_len - 2]] + [0]
            self.items.append((ids, segs, t["label"]))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch):
    width = max(len(ids) for ids, _, _ in batch)
    out = {k: torch.zeros(len(batch), width, dtype=torch.long) for k in ("input_ids", "token_type_ids", "attention_mask")}
    for row, (ids, segs, _) in enumerate(batch):
        out["input_ids"][row, : len(ids)] = torch.tensor(ids)
        out["token_type_ids"][row, : len(segs)] = torch.tensor(segs)
        out["attention_mask"][row, : len(ids)] = 1
    out["labels"] = torch.tensor([lab for _, _, lab in batch], dtype=torch.float)
    return out


class TraceClassifier(nn.Module):
    def __init__(self, bert_cfg):
        super().__init__()
        self.encoder = BertModel(bert_cfg)
        self.head = nn.Linear(bert_cfg.hidden_size, 1)

    def forward(self, input_ids, token_type_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                              attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0]).squeeze(-1)


class Callback:
    def on_batch_end(self, trainer, step, loss):
        pass

    def on_epoch_end(self, trainer, epoch, logs):
        pass


class LossLogger(Callback):
    def __init__(self, every=4):
        self.every = every

    def on_batch_end(self, trainer, step, loss):
        if step % self.every == 0:
            print(f"step {step:4d} loss {loss:.4f}")

    def on_epoch_end(self, trainer, epoch, logs):
        print(f"epoch {epoch} " + " ".join(f"{k}={v:.4f}" for k, v in logs.items()))


class Trainer:
    def __init__(self, model, cfg, callbacks=()):
        self.model = model
        self.cfg = cfg
        self.callbacks = list(callbacks)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.global_step = 0

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            self.model.train()
            total, n = 0.0, 0
            for batch in loader:
                labels = batch.pop("labels")
                logits = self.model(**batch)
                loss = self.loss_fn(logits, labels)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                self.global_step += 1
                total += loss.item() * labels.size(0)
                n += labels.size(0)
                for cb in self.callbacks:
                    cb.on_batch_end(self, self.global_step, loss.item())
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, {"train_loss": total / n})


def main():
    cfg = parse_args()
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)

    vocab_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "signalling_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    traces = synth_traces(96, rng)
    direction_ids = {d: i for i, d in enumerate(sorted({d for t in traces for d in t["dirs"]}))}
    print("directions:", direction_ids)

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.hidden * 2,
        max_position_embeddings=cfg.max_len,
        type_vocab_size=cfg.num_segments,
    )
    model = TraceClassifier(bert_cfg)
    loader = DataLoader(TraceDataset(traces, tokenizer, direction_ids, cfg.max_len),
                        batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    Trainer(model, cfg, callbacks=[LossLogger()]).fit(loader)


if __name__ == "__main__":
    main()
