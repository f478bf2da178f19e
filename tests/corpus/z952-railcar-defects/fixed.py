"""Hierarchical defect coding for railcar inspection notes.

division -> family (local id within division) -> defect code (local id within family)
Tiny BERT encoder, one conditional head per parent node, trained with Accelerate.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

TAXONOMY = {
    "mechanical": {
        "brakes": ["pad_wear", "air_leak", "handbrake_stuck", "slack_adjuster"],
        "couplers": ["knuckle_crack", "drawbar_play"],
        "wheels": ["flat_spot", "flange_wear", "bearing_heat"],
    },
    "electrical": {
        "lighting": ["lamp_out", "flicker"],
        "signalling": ["balise_fault", "cab_radio", "aws_horn"],
    },
}

NOTES = [
    ("brake pads worn thin on bogie two", "pad_wear"),
    ("audible air leak at brake cylinder", "air_leak"),
    ("handbrake will not release after test", "handbrake_stuck"),
    ("slack adjuster travel out of limits", "slack_adjuster"),
    ("hairline crack found on coupler knuckle", "knuckle_crack"),
    ("excess play in drawbar at leading end", "drawbar_play"),
    ("flat spot on wheel set three", "flat_spot"),
    ("flange wear near condemning limit", "flange_wear"),
    ("axle bearing running hot after trip", "bearing_heat"),
    ("saloon lamp out in car b", "lamp_out"),
    ("cab lights flicker when doors close", "flicker"),
    ("balise reader fault logged at depot", "balise_fault"),
    ("cab radio drops out in tunnel", "cab_radio"),
    ("aws horn silent during route test", "aws_horn"),
]


class Taxonomy:
    def __init__(self, tree):
        self.divisions = list(tree)
        self.families, self.fam_div, self.fam_local = [], [], []
        self.n_fams = [len(tree[d]) for d in self.divisions]
        self.leaf_path = {}
        for d_idx, div in enumerate(self.divisions):
            for f_local, (fam, leaves) in enumerate(tree[div].items()):
                f_idx = len(self.families)
                self.families.append(leaves)
                self.fam_div.append(d_idx)
                self.fam_local.append(f_local)
                for l_local, leaf in enumerate(leaves):
                    self.leaf_path[leaf] = (d_idx, f_idx, f_local, l_local)
        self.n_leaves = [len(leaves) for leaves in self.families]


def check_taxonomy(tax):
    assert len(tax.leaf_path) == sum(tax.n_leaves), "duplicate leaf names"
    for leaf, (d, f, f_local, l_local) in tax.leaf_path.items():
        assert tax.fam_div[f] == d and tax.fam_local[f] == f_local, leaf
        assert 0 <= f_local < tax.n_fams[d] and 0 <= l_local < tax.n_leaves[f], leaf


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def soft_ce(logits, target_ids, n_classes, eps):
    target = torch.full((len(target_ids), n_classes), eps / n_classes, device=logits.device)
    target.scatter_(1, target_ids[:, None], 1.0 - eps + eps / n_classes)
    return -(target * logits.log_softmax(-1)).sum(-1).sum()


class HierDefectModel(nn.Module):
    def __init__(self, config, tax, eps=0.1):
        super().__init__()
        self.tax, self.eps = tax, eps
        self.encoder = BertModel(config)
        h = config.hidden_size
        self.div_head = nn.Linear(h, len(tax.divisions))
        self.fam_heads = nn.ModuleList(nn.Linear(h, n) for n in tax.n_fams)
        self.leaf_heads = nn.ModuleList(nn.Linear(h, n) for n in tax.n_leaves)

    def forward(self, enc, div_ids, fam_ids, fam_local, leaf_local):
        pooled = self.encoder(**enc).pooler_output
        loss = nn.functional.cross_entropy(self.div_head(pooled), div_ids, reduction="sum")
        for d in div_ids.unique().tolist():
            rows = (div_ids == d).nonzero(as_tuple=True)[0]
            logits = self.fam_heads[d](pooled[rows])
            loss = loss + soft_ce(logits, fam_local[rows], self.tax.n_fams[d], self.eps)
        for f in fam_ids.unique().tolist():
            rows = (fam_ids == f).nonzero(as_tuple=True)[0]
            logits = self.leaf_heads[f](pooled[rows])
            loss = loss + soft_ce(logits, leaf_local[rows], self.tax.n_leaves[f], self.eps)
        return loss / len(div_ids)


def make_collate(tokenizer, tax):
    def collate(items):
        texts = [t for t, _ in items]
        paths = torch.tensor([tax.leaf_path[code] for _, code in items])
        enc = tokenizer(texts, padding=True, truncation=True, max_length=24, return_tensors="pt")
        return {"enc": dict(enc), "div_ids": paths[:, 0], "fam_ids": paths[:, 1],
                "fam_local": paths[:, 2], "leaf_local": paths[:, 3]}
    return collate


def main():
    tax = Taxonomy(TAXONOMY)
    check_taxonomy(tax)
    tokenizer = BertTokenizer(write_vocab([t for t, _ in NOTES]))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = HierDefectModel(config, tax)
    print(f"divisions={len(tax.divisions)} families={len(tax.families)} leaves={sum(tax.n_leaves)}")

    accelerator = Accelerator(cpu=True)
    loader = DataLoader(NOTES, batch_size=6, shuffle=True, collate_fn=make_collate(tokenizer, tax))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            assert batch["enc"]["input_ids"].shape == batch["enc"]["attention_mask"].shape
            loss = model(**batch)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch} loss {running / (step + 1):.4f}")
    accelerator.print("done")


if __name__ == "__main__":
    main()
