"""Drill-core log tagger: marks lithology, colour and grain-size spans in geologists' core descriptions."""
import abc

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(21)

# (tokens, BIO tags) written by the logging geologist, lower-cased upstream
CORE_LOGS = [
    ("grey fine grained sandstone with thin shale partings".split(),
     ["B-COL", "B-GRN", "I-GRN", "B-LITH", "O", "O", "B-LITH", "O"]),
    ("red brown mudstone".split(), ["B-COL", "I-COL", "B-LITH"]),
    ("coarse conglomerate".split(), ["B-GRN", "B-LITH"]),
    ("dark grey silty limestone fractured".split(), ["B-COL", "I-COL", "B-LITH", "I-LITH", "O"]),
]
TAG_SET = ["O", "B-LITH", "I-LITH", "B-COL", "I-COL", "B-GRN", "I-GRN"]
PAD_TAG = -100

_BACKBONES = {}


def register(name):
    def wrap(cls):
        _BACKBONES[name] = cls
        return cls
    return wrap


class TokenBackbone(nn.Module, abc.ABC):
    @property
    @abc.abstractmethod
    def state_size(self): ...

    @abc.abstractmethod
    def token_states(self, word_ids, keep): ...


@register("bert")
class BertBackbone(TokenBackbone):
    def __init__(self, n_words, dim=32):
        super().__init__()
        self.net = BertModel(BertConfig(vocab_size=n_words, hidden_size=dim, num_hidden_layers=1,
                                        num_attention_heads=2, intermediate_size=2 * dim),
                             add_pooling_layer=False)

    @property
    def state_size(self):
        return self.net.config.hidden_size

    def token_states(self, word_ids, keep):
        return self.net(input_ids=word_ids, attention_mask=keep.long()).last_hidden_state


@register("gru")
class GruBackbone(TokenBackbone):
    def __init__(self, n_words, dim=32):
        super().__init__()
        self.lookup = nn.Embedding(n_words, dim, padding_idx=0)
        self.bigru = nn.GRU(dim, dim // 2, batch_first=True, bidirectional=True)

    @property
    def state_size(self):
        return 2 * self.bigru.hidden_size

    def token_states(self, word_ids, keep):
        states, _ = self.bigru(self.lookup(word_ids))
        return states * keep.unsqueeze(-1)


def build_backbone(name, n_words):
    print(f"building {name} backbone over {n_words} words")
    return _BACKBONES[name](n_words)


class Task(nn.Module):
    def __init__(self, backbone, tag_set):
        super().__init__()
        self.backbone = backbone
        self.tag_set = tag_set
        self.emit = nn.Linear(backbone.state_size, self.num_tags)
        self.loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TAG)

    @property
    def num_tags(self):
        return len(self.tag_set)

    def forward(self, word_ids, keep, tag_ids=None):
        emissions = self.emit(self.backbone.token_states(word_ids, keep))
        out = {"emissions": emissions}
        if tag_ids is not None:
            out["loss"] = self.loss_fn(emissions, tag_ids)
        return out


def make_batch(examples, word_index, tag_index):
    width = max(len(toks) for toks, _ in examples)
    word_ids = torch.zeros(len(examples), width, dtype=torch.long)
    tag_ids = torch.full((len(examples), width), PAD_TAG, dtype=torch.long)
    for row, (toks, tags) in enumerate(examples):
        word_ids[row, :len(toks)] = torch.tensor([word_index.get(t, 1) for t in toks])
        tag_ids[row, :len(tags)] = torch.tensor([tag_index[t] for t in tags])
    return {"word_ids": word_ids, "keep": word_ids != 0, "tag_ids": tag_ids}


def main(backbone="gru", steps=4):
    word_index = {"<pad>": 0, "<unk>": 1}
    for toks, _ in CORE_LOGS:
        for t in toks:
            word_index.setdefault(t, len(word_index))
    tag_index = {t: i for i, t in enumerate(TAG_SET)}

    task = Task(build_backbone(backbone, len(word_index)), TAG_SET)
    optim = torch.optim.Adam(task.parameters(), lr=1e-2)
    batch = make_batch(CORE_LOGS, word_index, tag_index)
    print("batch:", {k: tuple(v.shape) for k, v in batch.items()}, "tags:", task.num_tags)

    task.train()
    for step in range(steps):
        optim.zero_grad()
        out = task(**batch)
        out["loss"].backward()
        optim.step()
        print(f"step {step}: loss={out['loss'].item():.4f}")

    task.eval()
    with torch.no_grad():
        pred = task(batch["word_ids"][:1], batch["keep"][:1])["emissions"].argmax(-1)[0]
    print(list(zip(CORE_LOGS[0][0], [TAG_SET[i] for i in pred.tolist()])))


if __name__ == "__main__":
    main()
