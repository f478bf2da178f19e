"""Port-call remark classifier: maps free-text AIS/agent remarks to a port-call status.

Shared team code: backbones are swappable via `build_backbone`, the Task owns head + loss.
"""
import abc
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
              "vessel", "at", "anchor", "berth", "alongside", "waiting", "pilot", "bunkering",
              "cargo", "ops", "completed", "departed", "arrived", "delayed", "weather", "tug", "eta"]
# site-specific placeholders the agents' system inserts into remarks
DOMAIN_TOKENS = ["[MMSI]", "[IMO]", "[BERTH_ID]"]

REMARKS = [
    ("vessel [MMSI] at anchor waiting pilot", "anchored"),
    ("[IMO] alongside [BERTH_ID] cargo ops", "berthed"),
    ("vessel [MMSI] departed tug completed", "departed"),
    ("[IMO] at anchor delayed weather", "anchored"),
    ("bunkering completed alongside [BERTH_ID]", "berthed"),
    ("vessel arrived eta [MMSI] pilot", "arrived"),
]
STATUSES = ["anchored", "berthed", "departed", "arrived"]


class Backbone(nn.Module, abc.ABC):
    @property
    @abc.abstractmethod
    def output_dim(self) -> int: ...

    @abc.abstractmethod
    def encode(self, token_ids, pad_mask) -> torch.Tensor:
        """Return one pooled vector per remark."""


class BertBackbone(Backbone):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)

    @property
    def output_dim(self):
        return self.bert.config.hidden_size

    def encode(self, token_ids, pad_mask):
        return self.bert(input_ids=token_ids, attention_mask=pad_mask).pooler_output


class GruBackbone(Backbone):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)

    @property
    def output_dim(self):
        return 2 * self.rnn.hidden_size

    def encode(self, token_ids, pad_mask):
        out, _ = self.rnn(self.emb(token_ids))
        m = pad_mask.unsqueeze(-1).float()
        return (out * m).sum(1) / m.sum(1).clamp(min=1.0)


def build_backbone(kind, vocab_size):
    registry = {"bert": BertBackbone, "gru": GruBackbone}
    print(f"[factory] backbone={kind} vocab_size={vocab_size}")
    return registry[kind](vocab_size)


class RemarkTextProcessor:
    def __init__(self, workdir):
        path = os.path.join(workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(BASE_VOCAB) + "\n")
        self.tokenizer = BertTokenizer(path)
        self.tokenizer.add_tokens(DOMAIN_TOKENS)

    @property
    def vocab_size(self):
        return len(self.tokenizer)

    def __call__(self, texts):
        enc = self.tokenizer(texts, padding=True, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"]


class Task(nn.Module):
    def __init__(self, backbone, statuses):
        super().__init__()
        self.backbone = backbone
        self.statuses = list(statuses)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(backbone.output_dim, self.num_statuses))
        self.loss_fn = nn.CrossEntropyLoss()

    @property
    def num_statuses(self):
        return len(self.statuses)

    def forward(self, token_ids, pad_mask, targets=None):
        logits = self.head(self.backbone.encode(token_ids, pad_mask))
        loss = self.loss_fn(logits, targets) if targets is not None else None
        return logits, loss


def main(kind="bert", epochs=3):
    proc = RemarkTextProcessor(tempfile.mkdtemp())
    task = Task(build_backbone(kind, proc.vocab_size), STATUSES)
    opt = torch.optim.AdamW(task.parameters(), lr=3e-3)

    texts = [t for t, _ in REMARKS]
    targets = torch.tensor([STATUSES.index(s) for _, s in REMARKS])
    ids, pad = proc(texts)
    print(f"batch ids shape={tuple(ids.shape)}")

    task.train()
    for ep in range(epochs):
        opt.zero_grad()
        _, loss = task(ids, pad, targets)
        loss.backward()
        opt.step()
        print(f"epoch {ep}: loss={loss.item():.4f}")

    task.eval()
    with torch.no_grad():
        logits, _ = task(*proc(["vessel [MMSI] alongside [BERTH_ID] cargo ops"]))
    print("prediction:", STATUSES[logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
