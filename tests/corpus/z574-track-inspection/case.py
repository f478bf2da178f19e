"""Classify railway track inspection notes into defect types (tiny BERT, keras-like API)."""
import os
import tempfile
from dataclasses import dataclass, field

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

DEFECTS = ["gauge", "ballast", "fastening", "rail_head"]
TRAIN = [
    ("gauge spread measured at curve near mile post twelve outside tolerance on low rail side", 0),
    ("ballast fouled with mud pumping under sleepers", 1),
    ("missing clips on three consecutive sleepers", 2),
    ("head checks and squat on high rail", 3),
    ("tight gauge after tamping", 0),
    ("shoulder ballast washed out by drainage failure", 1),
    ("loose fastening bolts at joint", 2),
    ("rail head corrugation visible along straight", 3),
]
VALID = [("gauge wide at switch", 0), ("clips broken", 2), ("mud spots in ballast", 1), ("squat on rail", 3)]


@dataclass
class EncoderSpec:
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 64
    extra: dict = field(default_factory=dict)


class NotePreprocessor:
    def __init__(self, max_positions):
        self.max_positions = max_positions
        self.seq_len = None

    def adapt(self, notes):
        vocab = sorted({w for n in notes for w in n.split()})
        d = tempfile.mkdtemp()
        vpath = os.path.join(d, "vocab.txt")
        with open(vpath, "w") as fh:
            for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab:
                fh.write(tok + "\n")
        self.tokenizer = BertTokenizer(vpath)
        longest = max(len(self.tokenizer.tokenize(n)) for n in notes) + 2
        self.seq_len = min(longest, self.max_positions)
        print(f"adapted on {len(notes)} notes; seq_len={self.seq_len}")
        return self

    def transform(self, notes):
        enc = self.tokenizer(notes, padding=True, truncation=True, max_length=self.seq_len,
                             return_attention_mask=False)
        ids = torch.tensor(enc["input_ids"])
        n_real = (ids != self.tokenizer.pad_token_id).sum(dim=1)
        valid = torch.arange(self.seq_len)[None, :] < n_real[:, None]
        return {"input_ids": ids, "attention_mask": valid.long()}


class DefectHead(nn.Module):
    def __init__(self, bert_cfg, n_classes):
        super().__init__()
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(bert_cfg.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        w = attention_mask.unsqueeze(-1).float()
        return self.out(self.drop((h * w).sum(1) / w.sum(1)))


class HistoryLogger:
    def on_epoch_end(self, epoch, logs):
        print(" - ".join([f"epoch {epoch + 1}"] + [f"{k}: {v:.4f}" for k, v in logs.items()]))


class KerasLikeModel:
    def __init__(self, module):
        self.module = module
        self.history = {}

    def compile(self, lr):
        self.optim = torch.optim.Adam(self.module.parameters(), lr=lr)
        self.loss = nn.CrossEntropyLoss()

    def _log(self, key, value):
        self.history.setdefault(key, []).append(value)

    def fit(self, x, y, epochs, batch_size, validation_data=None, callbacks=()):
        n = len(y)
        for ep in range(epochs):
            self.module.train()
            running = 0.0
            for lo in range(0, n, batch_size):
                batch = {k: t[lo:lo + batch_size] for k, t in x.items()}
                loss = self.loss(self.module(**batch), y[lo:lo + batch_size])
                self.optim.zero_grad()
                loss.backward()
                self.optim.step()
                running += loss.item() * len(batch["input_ids"])
            self._log("loss", running / n)
            if validation_data is not None:
                val_loss, val_acc = self.evaluate(*validation_data)
                self._log("val_loss", val_loss)
                self._log("val_accuracy", val_acc)
            for cb in callbacks:
                cb.on_epoch_end(ep, {k: v[-1] for k, v in self.history.items()})
        return self.history

    @torch.no_grad()
    def evaluate(self, x, y):
        self.module.eval()
        logits = self.module(**x)
        return self.loss(logits, y).item(), (logits.argmax(-1) == y).float().mean().item()

    @torch.no_grad()
    def predict(self, x):
        self.module.eval()
        return self.module(**x).argmax(-1)


def main():
    prep = NotePreprocessor(max_positions=EncoderSpec.max_position_embeddings)
    prep.adapt([t for t, _ in TRAIN] + [t for t, _ in VALID])
    x_tr, y_tr = prep.transform([t for t, _ in TRAIN]), torch.tensor([c for _, c in TRAIN])
    x_va, y_va = prep.transform([t for t, _ in VALID]), torch.tensor([c for _, c in VALID])

    spec = EncoderSpec()
    cfg = BertConfig(vocab_size=prep.tokenizer.vocab_size, hidden_size=spec.hidden_size,
                     num_hidden_layers=spec.num_hidden_layers, num_attention_heads=spec.num_attention_heads,
                     intermediate_size=spec.intermediate_size,
                     max_position_embeddings=spec.max_position_embeddings, **spec.extra)
    model = KerasLikeModel(DefectHead(cfg, len(DEFECTS)))
    model.compile(lr=1e-3)
    model.fit(x_tr, y_tr, epochs=3, batch_size=4, validation_data=(x_va, y_va), callbacks=[HistoryLogger()])
    print("predicted:", [DEFECTS[i] for i in model.predict(x_va).tolist()])


if __name__ == "__main__":
    main()
