# Tagging station codes and seismic phase picks in analysts' shift logs.
# Tiny BERT token classifier, own training loop with callbacks (no HF Trainer on the cluster image).
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

CONFIG = {
    "seed": 21,
    "data": {"max_len": 24, "batch_size": 3},
    "model": {"encoder": {"dim": 32, "n_layers": 1, "n_heads": 2, "ffn_dim": 64, "max_pos": 32},
              "tags": ["O", "B-STA", "B-PHASE", "B-TIME"]},
    "optim": {"lr": 1e-3, "epochs": 2},
}

# (words, tags) -- tags per word
SHIFT_LOG = [
    ("ANMO P arrival 0412 clear onset".split(), ["B-STA", "B-PHASE", "O", "B-TIME", "O", "O"]),
    ("S phase on COLA weak".split(), ["B-PHASE", "O", "O", "B-STA", "O"]),
    ("KONO noisy after 1130 repick P".split(), ["B-STA", "O", "O", "B-TIME", "O", "B-PHASE"]),
    ("Pn at TUC 0230".split(), ["B-PHASE", "O", "B-STA", "B-TIME"]),
    ("no picks MAJO telemetry gap".split(), ["O", "O", "B-STA", "O", "O"]),
    ("Lg visible HRV and ANMO 0905".split(), ["B-PHASE", "O", "B-STA", "O", "B-STA", "B-TIME"]),
]


def build_tokenizer(cfg):
    words = sorted({w.lower() for ws, _ in SHIFT_LOG for w in ws})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def batch_stream(tok, cfg):
    tag2id = {t: i for i, t in enumerate(cfg["model"]["tags"])}
    rows = SHIFT_LOG[:]
    random.shuffle(rows)
    step = cfg["data"]["batch_size"]
    for lo in range(0, len(rows), step):
        chunk = rows[lo:lo + step]
        enc = tok([ws for ws, _ in chunk], is_split_into_words=True, padding="longest",
                  truncation=True, max_length=cfg["data"]["max_len"], return_tensors="pt")
        gold = []
        for i, (_, tags) in enumerate(chunk):
            gold.append([-100 if w is None else tag2id[tags[w]] for w in enc.word_ids(i)])
        enc["labels"] = torch.tensor(gold)
        yield dict(enc)


def build_model(cfg, vocab_size):
    e = cfg["model"]["encoder"]
    bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=e["dim"], num_hidden_layers=e["n_layers"],
                          num_attention_heads=e["n_heads"], intermediate_size=e["ffn_dim"],
                          max_position_embeddings=e["max_pos"], num_labels=len(cfg["model"]["tags"]))
    return BertForTokenClassification(bert_cfg)


class PickCounter:
    """Counts predicted vs gold phase picks per step, like the analysts' QC sheet."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.phase_id = cfg["model"]["tags"].index("B-PHASE")

    def on_batch_start(self, trainer, batch):
        trainer.metrics["sequences"] += batch["input_ids"].size(0)

    def on_step_end(self, trainer, batch, out):
        pred = out.logits.argmax(-1)
        gold = batch["labels"]
        hits = misses = 0
        for row in range(pred.size(0)):
            for pos in range(pred.size(1)):
                if gold[row, pos] == -100:
                    continue
                if gold[row, pos] == self.phase_id:
                    hits += int(pred[row, pos] == self.phase_id)
                    misses += int(pred[row, pos] != self.phase_id)
        trainer.metrics["phase_hits"] += hits
        trainer.metrics["phase_misses"] += misses


class LoopTrainer:
    def __init__(self, cfg, model, callbacks):
        self.cfg = cfg
        self.model = model
        self.callbacks = callbacks
        self.optim = torch.optim.AdamW(model.parameters(), lr=cfg["optim"]["lr"])
        self.metrics = {"sequences": 0, "phase_hits": 0, "phase_misses": 0, "loss": []}

    def emit(self, event, *args):
        for cb in self.callbacks:
            getattr(cb, event)(self, *args)

    def train(self, make_stream):
        self.model.train()
        for epoch in range(self.cfg["optim"]["epochs"]):
            for batch in make_stream():
                self.emit("on_batch_start", batch)
                out = self.model(**batch)
                out.loss.backward()
                self.optim.step()
                self.optim.zero_grad()
                self.metrics["loss"].append(out.loss.item())
                self.emit("on_step_end", batch, out)
            print(f"epoch {epoch}: loss {self.metrics['loss'][-1]:.3f} "
                  f"hits {self.metrics['phase_hits']} misses {self.metrics['phase_misses']}")
        return self.metrics


if __name__ == "__main__":
    random.seed(CONFIG["seed"])
    torch.manual_seed(CONFIG["seed"])
    tokenizer = build_tokenizer(CONFIG)
    model = build_model(CONFIG, len(tokenizer))
    print(f"tokenizer vocab {tokenizer.vocab_size}, tags {CONFIG['model']['tags']}")
    trainer = LoopTrainer(CONFIG, model, callbacks=[PickCounter(CONFIG)])
    final = trainer.train(lambda: batch_stream(tokenizer, CONFIG))
    print("sequences seen:", final["sequences"])
