"""clausekit: clause-type classifier for commercial contracts (one-file package)."""
import os
from dataclasses import dataclass
from enum import Enum, auto

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

ROOT = os.path.dirname(os.path.abspath(__file__))


class Split(Enum):
    TRAIN = auto()
    HELDOUT = auto()


class SchemeRegistry:
    def __init__(self):
        self._store = {}

    def add(self, name, labels):
        self._store[name] = {lab: i for i, lab in enumerate(labels)}

    def __getitem__(self, name):
        return self._store[name]


SCHEMES = SchemeRegistry()
SCHEMES.add("cuad-lite", ["governing_law", "termination", "indemnification", "confidentiality", "payment"])

CLAUSE_SEEDS = {
    "governing_law": "this agreement shall be governed by the laws of the state of delaware",
    "termination": "either party may terminate this agreement upon thirty days written notice",
    "indemnification": "the supplier shall indemnify and hold harmless the customer from all claims",
    "confidentiality": "the recipient shall not disclose any confidential information to third parties",
    "payment": "the customer shall pay each invoice within sixty days of receipt",
}
FILLER = "provided however that notwithstanding the foregoing in accordance with section hereof".split()


@dataclass(frozen=True)
class Hyper:
    scheme: str = "cuad-lite"
    width: int = 40
    batch: int = 6
    steps: int = 12
    lr: float = 1e-3
    seed: int = 7


def build_vocab_file(path):
    words = sorted({w for s in CLAUSE_SEEDS.values() for w in s.split()} | set(FILLER))
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(tok + "\n")
    return path


def make_corpus(label2id, n, rng):
    names = list(label2id)
    out = []
    for _ in range(n):
        name = names[rng.integers(len(names))]
        words = CLAUSE_SEEDS[name].split()
        extra = rng.choice(FILLER, size=rng.integers(0, 8)).tolist()
        pos = rng.integers(0, len(words) + 1)
        out.append((" ".join(words[:pos] + extra + words[pos:]), label2id[name]))
    return out


class ClauseClassifier(nn.Module):
    def __init__(self, cfg, n_labels):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_labels)

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(h[:, 0]))


class ClauseTrainer:
    def __init__(self, model, tokenizer, hp):
        self.model = model
        self.tok = tokenizer
        self.hp = hp
        self.optim = torch.optim.Adam(model.parameters(), lr=hp.lr)
        self.loss_fn = nn.CrossEntropyLoss()
        self._step = 0

    @property
    def pad_id(self):
        return self.tok.pad_token_id

    @staticmethod
    def pad_ids(seqs, pad_id, width):
        id_matrix = np.zeros((len(seqs), width), dtype=np.int64)
        id_matrix.fill(pad_id)
        for i, s in enumerate(seqs):
            s = s[:width]
            id_matrix[i, : len(s)] = s
        mask = (id_matrix != pad_id).astype(np.int64)
        return torch.from_numpy(id_matrix), torch.from_numpy(mask)

    def to_ids(self, text):
        return self.tok.encode(text, add_special_tokens=True)

    def batches(self, corpus, rng):
        order = rng.permutation(len(corpus))
        for start in range(0, len(order) - self.hp.batch + 1, self.hp.batch):
            chunk = [corpus[j] for j in order[start:start + self.hp.batch]]
            ids, mask = self.pad_ids([self.to_ids(t) for t, _ in chunk], self.pad_id, self.hp.width)
            yield {"input_ids": ids, "attention_mask": mask,
                   "labels": torch.tensor([y for _, y in chunk], dtype=torch.long)}

    def on_batch_start(self, batch):
        self.model.train()
        return batch

    def on_step_end(self, loss):
        self._step += 1
        if self._step % 4 == 0:
            print(f"[{self._step:03d}] ce={loss:.4f}")

    def train(self, corpus, rng):
        while self._step < self.hp.steps:
            for batch in self.batches(corpus, rng):
                batch = self.on_batch_start(batch)
                labels = batch.pop("labels")
                logits = self.model(**batch)
                loss = self.loss_fn(logits, labels)
                loss.backward()
                self.optim.step()
                self.optim.zero_grad()
                self.on_step_end(loss.item())
                if self._step >= self.hp.steps:
                    break

    @torch.no_grad()
    def score(self, corpus, rng):
        self.model.eval()
        right = seen = 0
        for batch in self.batches(corpus, rng):
            labels = batch.pop("labels")
            right += (self.model(**batch).argmax(-1) == labels).sum().item()
            seen += len(labels)
        return right / max(seen, 1)


def run():
    hp = Hyper()
    rng = np.random.default_rng(hp.seed)
    torch.manual_seed(hp.seed)
    label2id = SCHEMES[hp.scheme]
    tok = BertTokenizer(build_vocab_file(os.path.join(ROOT, "vocab.txt")))
    data = {Split.TRAIN: make_corpus(label2id, 90, rng), Split.HELDOUT: make_corpus(label2id, 24, rng)}

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=hp.width)
    model = ClauseClassifier(cfg, n_labels=len(label2id))
    trainer = ClauseTrainer(model, tok, hp)
    trainer.train(data[Split.TRAIN], rng)
    print("heldout acc", round(trainer.score(data[Split.HELDOUT], rng), 3))


if __name__ == "__main__":
    run()
