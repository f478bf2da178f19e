"""Apiary inspection notes -> finding category. Backbone is configurable (bert / gru)."""
import abc
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel

torch.manual_seed(11)

NOTES = [
    ("queen cells capped on frame four", "swarm_prep"),
    ("chalky larvae in brood comb", "brood_disease"),
    ("varroa count high on sticky board", "mites"),
    ("honey super full colony calm", "healthy"),
    ("spotty brood sunken cappings smell", "brood_disease"),
    ("drones everywhere queen cells on bottom bars", "swarm_prep"),
    ("deformed wings seen near entrance", "mites"),
    ("strong colony good laying pattern", "healthy"),
]
FINDINGS = ["swarm_prep", "brood_disease", "mites", "healthy"]


@dataclass
class HiveConfig:
    backbone: str = "gru"
    hidden: int = 24
    batch_size: int = 4
    epochs: int = 2
    lr: float = 5e-3


class FindingVocabulary:
    """Slot 0 is kept for notes the inspector could not classify."""
    UNCLEAR = "unclear"

    def __init__(self, findings):
        self.to_id = {self.UNCLEAR: 0}
        for i, name in enumerate(findings, start=1):
            self.to_id[name] = i

    @property
    def findings(self):
        return [k for k in self.to_id if k != self.UNCLEAR]

    def encode(self, name):
        return self.to_id.get(name, 0)


class Backbone(nn.Module, abc.ABC):
    @property
    @abc.abstractmethod
    def feature_size(self): ...

    @abc.abstractmethod
    def forward(self, ids, lengths): ...


class BertBackbone(Backbone):
    def __init__(self, n_words, hidden):
        super().__init__()
        self.enc = BertModel(BertConfig(vocab_size=n_words, hidden_size=hidden, num_hidden_layers=1,
                                        num_attention_heads=2, intermediate_size=48))

    @property
    def feature_size(self):
        return self.enc.config.hidden_size

    def forward(self, ids, lengths):
        attn = (torch.arange(ids.size(1))[None, :] < lengths[:, None]).long()
        return self.enc(input_ids=ids, attention_mask=attn).last_hidden_state[:, 0]


class GruBackbone(Backbone):
    def __init__(self, n_words, hidden):
        super().__init__()
        self.embed = nn.Embedding(n_words, hidden, padding_idx=0)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)

    @property
    def feature_size(self):
        return self.gru.hidden_size

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embed(ids), lengths, batch_first=True, enforce_sorted=False)
        _, h_last = self.gru(packed)
        return h_last[-1]


def make_backbone(cfg, n_words):
    choices = {"bert": BertBackbone, "gru": GruBackbone}
    return choices[cfg.backbone](n_words, cfg.hidden)


class Task(nn.Module):
    def __init__(self, backbone, finding_names):
        super().__init__()
        self.backbone = backbone
        self.finding_names = finding_names
        self.classifier = nn.Linear(backbone.feature_size, self.n_findings)
        self.criterion = nn.CrossEntropyLoss()

    @property
    def n_findings(self):
        return len(self.finding_names)

    def step(self, ids, lengths, gold):
        scores = self.classifier(self.backbone(ids, lengths))
        return self.criterion(scores, gold), scores


def main(cfg=HiveConfig()):
    words = {"<pad>": 0, "<unk>": 1}
    for text, _ in NOTES:
        for w in text.split():
            words.setdefault(w, len(words))
    fv = FindingVocabulary(FINDINGS)

    def collate(rows):
        seqs = [torch.tensor([words.get(w, 1) for w in t.split()]) for t, _ in rows]
        lens = torch.tensor([len(s) for s in seqs])
        gold = torch.tensor([fv.encode(f) for _, f in rows])
        return pad_sequence(seqs, batch_first=True), lens, gold

    task = Task(make_backbone(cfg, len(words)), list(fv.to_id))
    print(f"backbone={cfg.backbone} words={len(words)} findings={task.n_findings}")
    loader = DataLoader(NOTES, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    opt = torch.optim.Adam(task.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        running = 0.0
        for ids, lens, gold in loader:
            opt.zero_grad()
            loss, _ = task.step(ids, lens, gold)
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} mean loss {running / len(loader):.4f}")
    print("done; classes:", list(fv.to_id))


if __name__ == "__main__":
    main()
