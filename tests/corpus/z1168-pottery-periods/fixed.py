"""Period classification of excavation sherd descriptions with a tiny BERT + label smoothing (Lightning)."""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

MODELS, HEADS, COLLATORS = {}, {}, {}


def _registrar(table):
    def register(name):
        def deco(obj):
            table[name] = obj
            return obj
        return deco
    return register


register_model = _registrar(MODELS)
register_head = _registrar(HEADS)
register_collator = _registrar(COLLATORS)

CFG = {
    "model": {"type": "tiny_bert", "args": {"hidden": 32, "layers": 1, "heads": 2, "max_pos": 64}},
    "head": {"type": "smoothed_ce", "args": {"n_periods": 6, "eps": 0.1}},
    "collator": {"type": "pad_longest", "args": {"max_len": 32}},
    "data": {"batch_size": 4},
    "optim": {"lr": 3e-4},
}

PERIODS = ["neolithic", "bronze_age", "iron_age", "roman", "medieval", "post_medieval"]
SHERDS = [
    ("coarse hand made rim with cord impressed decoration and grit temper", 0),
    ("glossy red slip body sherd with stamped potter mark on base", 3),
    ("green glazed jug handle with thumbed base and sandy fabric", 4),
    ("black burnished bowl with incised chevrons and shell temper", 2),
    ("blue and white transfer printed plate rim with willow pattern", 5),
    ("collared urn fragment with twisted cord lines below the rim", 1),
    ("grey wheel thrown jar with rusticated shoulder", 3),
    ("slipware dish with combed cream trail over red fabric", 5),
    ("beaker sherd with comb impressed zones and fine fabric", 1),
    ("shell tempered cooking pot with sooting on the exterior", 4),
    ("flint tempered plain bowl with round base and lugs", 0),
    ("saucepan pot with finger tip impressions along the rim", 2),
]


def write_vocab(texts):
    words = sorted({w for t, _ in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def build(registry, spec, **extra):
    kind = spec["type"]
    if kind not in registry:
        raise KeyError(f"unknown component {kind!r}, have {sorted(registry)}")
    return registry[kind](**spec["args"], **extra)


@register_model("tiny_bert")
def tiny_bert(vocab_size, hidden=32, layers=1, heads=2, max_pos=64):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                     num_attention_heads=heads, intermediate_size=hidden * 2,
                     max_position_embeddings=max_pos)
    return BertModel(cfg)


@register_head("smoothed_ce")
class SmoothedCEHead(nn.Module):
    def __init__(self, hidden, n_periods=6, eps=0.1):
        super().__init__()
        self.n_periods, self.eps = n_periods, eps
        self.drop = nn.Dropout(0.1)
        self.proj = nn.Linear(hidden, n_periods)

    def soft_targets(self, period_ids):
        off_value = self.eps / (self.n_periods - 1)
        dist = torch.full((period_ids.size(0), self.n_periods), off_value)
        dist.scatter_(1, period_ids.unsqueeze(1), 1.0 - self.eps)
        return dist

    def forward(self, pooled, period_ids):
        logits = self.proj(self.drop(pooled))
        target = self.soft_targets(period_ids).to(logits.device)
        loss = torch.sum(-target * F.log_softmax(logits, dim=-1), dim=-1).mean()
        return loss, logits


@register_collator("pad_longest")
def pad_longest(tokenizer, max_len=32):
    def collate(rows):
        enc = tokenizer([r[0] for r in rows], padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["period"] = torch.tensor([r[1] for r in rows])
        return enc
    return collate


class SherdDater(L.LightningModule):
    def __init__(self, encoder, head, lr):
        super().__init__()
        self.encoder, self.head, self.lr = encoder, head, lr

    def training_step(self, batch, batch_idx):
        period = batch.pop("period")
        hidden = self.encoder(**batch).last_hidden_state[:, 0]
        loss, _ = self.head(hidden, period)
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: loss={loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    L.seed_everything(7, verbose=False)
    tok = BertTokenizer(write_vocab(SHERDS))
    encoder = build(MODELS, CFG["model"], vocab_size=tok.vocab_size)
    head = build(HEADS, CFG["head"], hidden=encoder.config.hidden_size)
    collate = build(COLLATORS, CFG["collator"], tokenizer=tok)
    loader = DataLoader(SHERDS, batch_size=CFG["data"]["batch_size"], shuffle=False, collate_fn=collate)
    print(f"{len(SHERDS)} sherds, periods: {', '.join(PERIODS)}")

    module = SherdDater(encoder, head, CFG["optim"]["lr"])
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, loader)
    print("done")


if __name__ == "__main__":
    main()
