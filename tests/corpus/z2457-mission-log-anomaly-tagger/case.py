"""Flag anomalous entries in spacecraft operations logs.

Each log line is tokenized with a small WordPiece vocab, and a subsystem tag
token ([PWR], [COMM], ...) is put in front so the encoder knows which
subsystem wrote the entry.
"""
import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

SUBSYSTEMS = ["PWR", "COMM", "GNC", "THERM", "PAYLOAD"]
WORDS = ("battery voltage nominal low high bus current heater on off antenna downlink uplink "
         "rate kbps reaction wheel speed rpm attitude error deg safe mode entered exited "
         "temperature panel spectrometer image queued dropped packet loss checksum fail "
         "ok sol orbit pass dsn station lock lost acquired reset warning limit exceeded").split()


@dataclass
class TaggerConfig:
    vocab_path: str = os.path.join(HERE, "ops_vocab.txt")
    max_len: int = 40
    hidden: int = 32
    heads: int = 2
    layers: int = 1
    batch_size: int = 16
    lr: float = 3e-4
    epochs: int = 2


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tags = [f"[{s}]" for s in SUBSYSTEMS]
    digits = [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    with open(path, "w") as fh:
        fh.write("\n".join(special + tags + WORDS + digits) + "\n")


def synth_logs(n, seed=0):
    rnd = random.Random(seed)
    anomaly_words = {"low", "fail", "lost", "exceeded", "dropped", "safe", "warning"}
    logs = []
    for _ in range(n):
        sub = rnd.choice(SUBSYSTEMS)
        k = rnd.randint(4, 18)
        words = [rnd.choice(WORDS) for _ in range(k)]
        words.insert(rnd.randint(0, k), str(rnd.randint(0, 4000)))
        label = int(any(w in anomaly_words for w in words))
        logs.append({"subsystem": sub, "text": " ".join(words), "anomaly": label})
    return logs


class LogEncoder:
    def __init__(self, cfg):
        self.tok = BertTokenizer(cfg.vocab_path, do_lower_case=True)
        self.cfg = cfg
        self.tag_ids = {s: self.tok.convert_tokens_to_ids(f"[{s}]") for s in SUBSYSTEMS}

    def __call__(self, batch):
        enc = self.tok([b["text"] for b in batch], padding="longest", truncation=True,
                       max_length=self.cfg.max_len, return_tensors="pt")
        tags = torch.tensor([[self.tag_ids[b["subsystem"]]] for b in batch])
        input_ids = torch.cat([tags, enc["input_ids"]], dim=1)
        labels = torch.tensor([b["anomaly"] for b in batch], dtype=torch.float)
        return input_ids, enc["attention_mask"], labels


class AnomalyTagger(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden,
                              num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads,
                              intermediate_size=cfg.hidden * 2,
                              max_position_embeddings=cfg.max_len + 8)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.score = nn.Linear(cfg.hidden, 1)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).float()
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.score(pooled).squeeze(-1)


def batches(rows, size, shuffle, seed):
    idx = list(range(len(rows)))
    if shuffle:
        random.Random(seed).shuffle(idx)
    for i in range(0, len(idx), size):
        yield [rows[j] for j in idx[i:i + size]]


def main():
    torch.manual_seed(0)
    cfg = TaggerConfig()
    write_vocab(cfg.vocab_path)
    encode = LogEncoder(cfg)
    logs = synth_logs(200)
    train_rows, val_rows = logs[:160], logs[160:]

    model = AnomalyTagger(cfg, vocab_size=len(encode.tok))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for step, rows in enumerate(batches(train_rows, cfg.batch_size, True, epoch)):
            input_ids, attention_mask, labels = encode(rows)
            loss = loss_fn(model(input_ids, attention_mask), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        model.eval()
        hits = 0
        with torch.no_grad():
            for rows in batches(val_rows, 32, False, 0):
                input_ids, attention_mask, labels = encode(rows)
                pred = (model(input_ids, attention_mask) > 0).float()
                hits += (pred == labels).sum().item()
        print(f"epoch {epoch}: loss={total / (step + 1):.4f} val_acc={hits / len(val_rows):.3f}")


if __name__ == "__main__":
    main()
