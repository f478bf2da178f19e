"""Herbarium sheet digitisation: classify specimen labels into plant families.

Each sheet has a transcribed locality line and a habitat line; they go into a
tiny BERT as a sentence pair. Written for a GPU box, runs on CPU for smoke tests.
"""
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
USE_AMP = device.type == "cuda"
PIN_MEMORY = device.type == "cuda"
ACCUM_STEPS = 2
torch.manual_seed(11)

SHEETS = [
    ("roadside ditch near mill creek county line", "wet clay full sun", "Cyperaceae"),
    ("north slope of granite dome", "shaded moss mat under hemlock", "Ericaceae"),
    ("abandoned pasture east of barn", "dry sandy loam grazed", "Poaceae"),
    ("sphagnum bog margin", "acidic peat standing water", "Ericaceae"),
    ("railroad embankment gravel", "disturbed full sun", "Poaceae"),
    ("lake shore sedge meadow", "saturated muck seasonal flooding", "Cyperaceae"),
    ("oak savanna remnant", "sandy prairie burned spring", "Poaceae"),
    ("cliff ledge above river", "thin soil seepage", "Ericaceae"),
]
FAMILIES = sorted({f for *_, f in SHEETS})


@dataclass
class RunConfig:
    hidden: int = 32
    max_len: int = 32
    micro_bs: int = 2
    lr: float = 5e-4
    epochs: int = 2


class SheetClassifier(torch.nn.Module):
    def __init__(self, bert_cfg, n_families):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.head = torch.nn.Linear(bert_cfg.hidden_size, n_families)

    def forward(self, ids, attn, seg):
        h = self.bert(input_ids=ids, attention_mask=attn, token_type_ids=seg).pooler_output
        return self.head(h)


def build_tokenizer():
    words = sorted({w for a, b, _ in SHEETS for w in (a + " " + b).split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate(rows, tok, max_len):
    # join the two transcribed lines ourselves so OCR output can be fed the same way later
    texts = [f"{loc} [SEP] {hab}" for loc, hab, _ in rows]
    enc = tok(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    fam = torch.tensor([FAMILIES.index(f) for *_, f in rows])
    return enc["input_ids"], enc["attention_mask"], fam


def prepare_device_batch(ids, attn, fam, sep_id):
    ids = ids.to(device, non_blocking=True)
    attn = attn.to(device, non_blocking=True)
    fam = fam.to(device, non_blocking=True)
    # segment A up to the first [SEP], segment B afterwards
    seg = torch.cumsum((ids == sep_id).long(), dim=1)
    return ids, attn, seg, fam


def train(cfg: RunConfig):
    tok = build_tokenizer()
    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=64, type_vocab_size=2)
    model = SheetClassifier(bert_cfg, len(FAMILIES)).to(device)
    loader = DataLoader(SHEETS, batch_size=cfg.micro_bs, shuffle=True, pin_memory=PIN_MEMORY,
                        collate_fn=partial(collate, tok=tok, max_len=cfg.max_len))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    scaler = torch.amp.GradScaler(device.type, enabled=USE_AMP)
    crit = torch.nn.CrossEntropyLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for step, (ids, attn, fam) in enumerate(loader):
            ids, attn, seg, fam = prepare_device_batch(ids, attn, fam, tok.sep_token_id)
            with torch.autocast(device_type=device.type, enabled=USE_AMP):
                loss = crit(model(ids, attn, seg), fam) / ACCUM_STEPS
            scaler.scale(loss).backward()
            total += loss.item()
            if (step + 1) % ACCUM_STEPS == 0 or step + 1 == len(loader):
                scaler.step(opt)
                scaler.update()
                opt.zero_grad(set_to_none=True)
        print(f"epoch {epoch + 1}/{cfg.epochs} loss={total:.4f}")
    return model


if __name__ == "__main__":
    trained = train(RunConfig())
    n_params = sum(p.numel() for p in trained.parameters())
    print(f"done, {n_params} parameters")
