import re
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)
random.seed(0)

SMI_REGEX = re.compile(
    r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|%[0-9]{2}|[0-9])"
)

# Suzuki couplings: aryl halide . boronic acid >> biaryl, with HTE yields (%)
REACTIONS = [
    ("Brc1ccc(C)cc1.OB(O)c1ccccc1", "Cc1ccc(-c2ccccc2)cc1", 82.0),
    ("Brc1ccc(OC)cc1.OB(O)c1ccc(F)cc1", "COc1ccc(-c2ccc(F)cc2)cc1", 74.5),
    ("Ic1ccccc1C.OB(O)c1cccnc1", "Cc1ccccc1-c1cccnc1", 41.2),
    ("Clc1ccc(C#N)cc1.OB(O)c1ccc(C)cc1", "Cc1ccc(-c2ccc(C#N)cc2)cc1", 28.9),
    ("Brc1cccc(C(F)(F)F)c1.OB(O)c1ccc(OC)cc1", "COc1ccc(-c2cccc(C(F)(F)F)c2)cc1", 66.0),
    ("Brc1ccc2ccccc2c1.OB(O)c1ccsc1", "c1ccc2cc(-c3ccsc3)ccc2c1", 57.3),
    ("Ic1ccc(C(=O)OC)cc1.OB(O)c1ccccc1Cl", "COC(=O)c1ccc(-c2ccccc2Cl)cc1", 35.8),
    ("Clc1ncccc1.OB(O)c1ccc(N(C)C)cc1", "CN(C)c1ccc(-c2ccccn2)cc1", 19.4),
    ("Brc1ccc(C(C)=O)cc1.OB(O)c1ccc2OCOc2c1", "CC(=O)c1ccc(-c2ccc3OCOc3c2)cc1", 71.1),
    ("Brc1cc(C)cc(C)c1.OB(O)c1cccc(C(=O)N(C)C)c1", "Cc1cc(C)cc(-c2cccc(C(=O)N(C)C)c2)c1", 48.6),
]


def tokenize(smi):
    return SMI_REGEX.findall(smi)


def build_vocab(strings):
    vocab = {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3}
    for s in strings:
        for tok in tokenize(s):
            vocab.setdefault(tok, len(vocab))
    return vocab


def encode(rxn, vocab):
    toks = ["[CLS]"] + tokenize(rxn) + ["[SEP]"]
    return [vocab.get(t, vocab["[UNK]"]) for t in toks]


def collate(rows, vocab):
    seqs = [encode(r, vocab) for r, _ in rows]
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), vocab["[PAD]"], dtype=torch.long)
    att = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        att[i, : len(s)] = 1
    yields = torch.tensor([y for _, y in rows], dtype=torch.float) / 100.0
    return ids, att, yields


class YieldRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Linear(cfg.hidden_size, cfg.hidden_size),
            nn.GELU(),
            nn.Linear(cfg.hidden_size, 1),
        )

    def forward(self, ids, att):
        h = self.encoder(input_ids=ids, attention_mask=att).last_hidden_state
        cls_vec = h[:, 0]
        return torch.sigmoid(self.head(cls_vec)).squeeze(-1)


def main():
    rxn_strings = [f"{lhs}>>{rhs}" for lhs, rhs, _ in REACTIONS]
    vocab = build_vocab(rxn_strings)

    products = [rhs for _, rhs, _ in REACTIONS]
    longest = max(len(tokenize(p)) for p in products) + 2
    print(f"vocab size {len(vocab)}, position table {longest}")

    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=longest,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )
    model = YieldRegressor(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    loss_fn = nn.SmoothL1Loss(beta=0.1)

    rows = list(zip(rxn_strings, [y for _, _, y in REACTIONS]))
    batch_size = 4
    for epoch in range(5):
        random.shuffle(rows)
        model.train()
        running = 0.0
        for start in range(0, len(rows), batch_size):
            ids, att, target = collate(rows[start : start + batch_size], vocab)
            pred = model(ids, att)
            loss = loss_fn(pred, target)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running += loss.item() * ids.size(0)
        print(f"epoch {epoch}  loss {running / len(rows):.4f}")

    model.eval()
    with torch.no_grad():
        ids, att, target = collate(rows, vocab)
        pred = model(ids, att)
        mae = (pred - target).abs().mean().item() * 100
    print(f"train MAE {mae:.1f} yield points")


if __name__ == "__main__":
    main()
