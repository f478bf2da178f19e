"""Tariff-heading triage for customs manifest lines.

Each example is (shipper declaration, goods description, carrier remark) and the
model predicts which inspection queue the line goes to. Small BERT trained from
scratch on a handful of lines so we can iterate on the trainer code.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

CFG = {
    "seed": 7,
    "data": {"max_len": 48, "batch_size": 4},
    "model": {
        "encoder": {"dim": 32, "layers": 1, "heads": 2, "ffn": 64,
                    "max_positions": 64, "type_vocab_size": 3},
        "head": {"dropout": 0.1, "num_queues": 3},
    },
    "optim": {"lr": 3e-4, "epochs": 2},
}

QUEUES = ["green_lane", "document_check", "physical_exam"]
MANIFEST = [
    ("acme exports ltd", "frozen shrimp in cartons", "reefer unit ok", 0),
    ("nordic timber ab", "sawn pine boards kiln dried", "fumigation cert attached", 1),
    ("unknown consignor", "used machine parts assorted", "seal number mismatch", 2),
    ("acme exports ltd", "canned tuna in oil", "reefer unit ok", 0),
    ("delta chem co", "industrial solvent drums", "hazmat placard missing", 2),
    ("nordic timber ab", "plywood sheets", "fumigation cert attached", 1),
    ("sunrise textiles", "cotton shirts boxed", "invoice value low", 1),
    ("unknown consignor", "personal effects", "seal number mismatch", 2),
]


def write_vocab(cfg):
    words = sorted({w for a, b, c, _ in MANIFEST for w in f"{a} {b} {c}".split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def encode_line(tok, cfg, segments):
    # [CLS] shipper [SEP] goods [SEP] remark [SEP], one segment id per field
    ids, seg = [tok.cls_token_id], [0]
    for seg_no, text in enumerate(segments):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids += piece
        seg += [seg_no] * len(piece)
    ids, seg = ids[: cfg["data"]["max_len"]], seg[: cfg["data"]["max_len"]]
    return ids, seg


def make_batches(tok, cfg):
    rows = MANIFEST[:]
    random.shuffle(rows)
    bs = cfg["data"]["batch_size"]
    for i in range(0, len(rows), bs):
        chunk = rows[i:i + bs]
        enc = [encode_line(tok, cfg, r[:3]) for r in chunk]
        width = max(len(ids) for ids, _ in enc)
        pad = lambda xs, v: xs + [v] * (width - len(xs))
        yield {
            "input_ids": torch.tensor([pad(ids, tok.pad_token_id) for ids, _ in enc]),
            "token_type_ids": torch.tensor([pad(s, 0) for _, s in enc]),
            "attention_mask": torch.tensor([pad([1] * len(ids), 0) for ids, _ in enc]),
            "queue": torch.tensor([r[3] for r in chunk]),
        }


class ManifestClassifier(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        enc = cfg["model"]["encoder"]
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=enc["dim"],
                              num_hidden_layers=enc["layers"], num_attention_heads=enc["heads"],
                              intermediate_size=enc["ffn"], max_position_embeddings=enc["max_positions"],
                              type_vocab_size=enc["type_vocab_size"])
        self.bert = BertModel(bert_cfg)
        self.drop = nn.Dropout(cfg["model"]["head"]["dropout"])
        self.out = nn.Linear(enc["dim"], cfg["model"]["head"]["num_queues"])

    def forward(self, queue=None, **enc_inputs):
        pooled = self.bert(**enc_inputs).pooler_output
        return self.out(self.drop(pooled))


class LossLogger:
    def on_batch_start(self, trainer, batch):
        pass

    def on_step_end(self, trainer, step, loss):
        trainer.metrics["loss"].append(loss)
        if step % 2 == 0:
            print(f"  step {step:3d}  loss {loss:.4f}")


class MiniTrainer:
    def __init__(self, cfg, model, callbacks=()):
        self.cfg, self.model = cfg, model
        self.callbacks = list(callbacks)
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg["optim"]["lr"])
        self.loss_fn = nn.CrossEntropyLoss()
        self.metrics = {"loss": [], "acc": []}
        self.step = 0

    def _fire(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(self, *args)

    def fit(self, batch_factory):
        for epoch in range(self.cfg["optim"]["epochs"]):
            print(f"epoch {epoch}")
            for batch in batch_factory():
                self._fire("on_batch_start", batch)
                self.model.train()
                logits = self.model(**batch)
                loss = self.loss_fn(logits, batch["queue"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                self.step += 1
                acc = (logits.argmax(-1) == batch["queue"]).float().mean().item()
                self.metrics["acc"].append(acc)
                self._fire("on_step_end", self.step, loss.item())
        return self.metrics


def main():
    torch.manual_seed(CFG["seed"])
    random.seed(CFG["seed"])
    tok = BertTokenizer(write_vocab(CFG))
    model = ManifestClassifier(CFG, tok.vocab_size)
    trainer = MiniTrainer(CFG, model, callbacks=[LossLogger()])
    metrics = trainer.fit(lambda: make_batches(tok, CFG))
    print(f"final loss {metrics['loss'][-1]:.4f}  mean acc {sum(metrics['acc']) / len(metrics['acc']):.2f}")


if __name__ == "__main__":
    main()
