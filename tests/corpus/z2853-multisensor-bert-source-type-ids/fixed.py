import types
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

cfg = types.SimpleNamespace(
    seed=11,
    chip=32,
    patch=8,
    sources={"s2": 10, "s1": 2, "dem": 1},
    hidden=32,
    n_crops=4,
    n_chips=48,
    batch_size=6,
    lr=5e-4,
    epochs=2,
)


# ------------------------------------------------------------------ utils
def make_stack(rng, n, chip, sources, n_crops):
    crop = rng.integers(0, n_crops, size=n)
    stack = {}
    for name, nb in sources.items():
        arr = rng.gamma(2.0, 400.0, size=(n, nb, chip, chip)).astype(np.float32)
        arr += crop[:, None, None, None] * (250.0 if name != "dem" else 30.0)
        if name == "s1":
            arr = 10.0 * np.log10(arr + 1.0) - 35.0
        stack[name] = arr
    return stack, crop


def per_band_zscore(arr):
    mu = arr.mean(axis=(0, 2, 3), keepdims=True)
    sd = arr.std(axis=(0, 2, 3), keepdims=True) + 1e-6
    return ((arr - mu) / sd).astype(np.float32)


@dataclass
class FusionChips(Dataset):
    stack: dict
    labels: np.ndarray

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: torch.from_numpy(v[i]) for k, v in self.stack.items()}
        item["label"] = torch.tensor(self.labels[i])
        return item


# ------------------------------------------------------------------ model
class SourcePatchEmbed(nn.Module):
    def __init__(self, sources, patch, hidden):
        super().__init__()
        self.order = list(sources)
        self.proj = nn.ModuleDict({
            k: nn.Conv2d(nb, hidden, kernel_size=patch, stride=patch) for k, nb in sources.items()
        })

    def forward(self, batch):
        toks, types_ = [], []
        for src_idx, name in enumerate(self.order, start=1):
            t = self.proj[name](batch[name]).flatten(2).transpose(1, 2)
            toks.append(t)
            types_.append(torch.full(t.shape[:2], src_idx, dtype=torch.long))
        return torch.cat(toks, 1), torch.cat(types_, 1)


class FusionClassifier(nn.Module):
    def __init__(self, bert_cfg, sources, patch, n_crops):
        super().__init__()
        self.embed = SourcePatchEmbed(sources, patch, bert_cfg.hidden_size)
        self.cls = nn.Parameter(torch.randn(1, 1, bert_cfg.hidden_size) * 0.02)
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(bert_cfg.hidden_size, n_crops)

    def forward(self, batch):
        tokens, token_types = self.embed(batch)
        b = tokens.size(0)
        tokens = torch.cat([self.cls.expand(b, -1, -1), tokens], 1)
        token_types = torch.cat([torch.zeros(b, 1, dtype=torch.long), token_types], 1)
        out = self.bert(inputs_embeds=tokens, token_type_ids=token_types)
        return self.head(out.last_hidden_state[:, 0])


def build_bert_config(c):
    n_tokens = 1 + len(c.sources) * (c.chip // c.patch) ** 2
    return BertConfig(
        vocab_size=8,
        hidden_size=c.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=n_tokens,
        type_vocab_size=len(c.sources) + 1,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )


# ------------------------------------------------------------------ main
def run():
    rng = np.random.default_rng(cfg.seed)
    torch.manual_seed(cfg.seed)

    raw, crops = make_stack(rng, cfg.n_chips, cfg.chip, cfg.sources, cfg.n_crops)
    normed = {k: per_band_zscore(v) for k, v in raw.items()}
    split = int(0.75 * cfg.n_chips)
    train_ds = FusionChips({k: v[:split] for k, v in normed.items()}, crops[:split])
    val_ds = FusionChips({k: v[split:] for k, v in normed.items()}, crops[split:])
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = FusionClassifier(build_bert_config(cfg), cfg.sources, cfg.patch, cfg.n_crops)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss()

    for ep in range(cfg.epochs):
        model.train()
        total = 0.0
        for batch in train_dl:
            logits = model(batch)
            loss = loss_fn(logits, batch["label"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        model.eval()
        hits = 0
        with torch.no_grad():
            for batch in val_dl:
                hits += (model(batch).argmax(-1) == batch["label"]).sum().item()
        print(f"ep {ep} train_loss={total / len(train_dl):.3f} val_acc={hits / len(val_ds):.3f}")


if __name__ == "__main__":
    run()
