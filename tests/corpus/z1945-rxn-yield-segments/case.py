"""Buchwald-Hartwig style yield regression: reaction SMILES -> BERT encoder -> yield (%)."""
import re

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

torch.manual_seed(0)

TOKEN_RE = re.compile(r"(\[[^\]]+]|Br|Cl|Si|@@|[BCNOPSFIbcnops]|\(|\)|=|#|-|\+|/|\\|\.|%\d{2}|\d)")

# reactants > reagents > products, measured yield in percent
REACTIONS = [
    ("Brc1ccccc1.Cc1ccc(N)cc1>CC(C)(C)[O-].[Na+].c1ccc(P(c2ccccc2)c2ccccc2)cc1>Cc1ccc(Nc2ccccc2)cc1", 71.2),
    ("Clc1ccccn1.Cc1ccc(N)cc1>CN(C)C(=NC(C)(C)C)N(C)C.CC(C)c1cc(C(C)C)c(cc1)C(C)C>Cc1ccc(Nc2ccccn2)cc1", 12.4),
    ("Ic1ccc(C)cc1.Cc1ccc(N)cc1>CCN=P(N=P(N(C)C)(N(C)C)N(C)C)(N(C)C)N(C)C>Cc1ccc(Nc2ccc(C)cc2)cc1", 48.9),
    ("Brc1cccnc1.Cc1ccc(N)cc1>CC(C)(C)[O-].[K+]>Cc1ccc(Nc2cccnc2)cc1", 33.0),
    ("FC(F)(F)c1ccc(Br)cc1.Cc1ccc(N)cc1>CC(C)(C)[O-].[Na+]>Cc1ccc(Nc2ccc(C(F)(F)F)cc2)cc1", 84.6),
    ("COc1ccc(Cl)cc1.Cc1ccc(N)cc1>CN1CCCN2CCCN=C12>COc1ccc(Nc2ccc(C)cc2)cc1", 5.3),
    ("CCc1ccc(I)cc1.Cc1ccc(N)cc1>CN(C)C(=NC(C)(C)C)N(C)C>CCc1ccc(Nc2ccc(C)cc2)cc1", 41.7),
    ("Brc1ccc2ccccc2c1.Cc1ccc(N)cc1>CC(C)(C)[O-].[Na+].Cc1ccccc1P(c1ccccc1C)c1ccccc1C>Cc1ccc(Nc2ccc3ccccc3c2)cc1", 66.0),
    ("Clc1cccs1.Cc1ccc(N)cc1>CN1CCCN2CCCN=C12>Cc1ccc(Nc2cccs2)cc1", 2.1),
    ("Ic1ccncc1.Cc1ccc(N)cc1>CC(C)(C)[O-].[K+]>Cc1ccc(Nc2ccncc2)cc1", 55.5),
]

ROLE_REACTANT, ROLE_REAGENT, ROLE_PRODUCT = 0, 1, 2


def split_reaction(rxn):
    reactants, reagents, products = rxn.split(">")
    return [(reactants, ROLE_REACTANT), (reagents, ROLE_REAGENT), (products, ROLE_PRODUCT)]


def make_vocab(rxns):
    specials = ["[PAD]", "[CLS]", "[SEP]", "[UNK]"]
    atoms = sorted({tok for r in rxns for part, _ in split_reaction(r) for tok in TOKEN_RE.findall(part)})
    return {tok: i for i, tok in enumerate(specials + atoms)}


def featurize(rxn, vocab, max_len=128):
    tok_ids, role_ids = [vocab["[CLS]"]], [ROLE_REACTANT]
    for part, role in split_reaction(rxn):
        pieces = TOKEN_RE.findall(part)
        tok_ids += [vocab.get(p, vocab["[UNK]"]) for p in pieces] + [vocab["[SEP]"]]
        role_ids += [role] * (len(pieces) + 1)
    tok_ids, role_ids = tok_ids[:max_len], role_ids[:max_len]
    return tok_ids, role_ids


def collate(rows, pad_id):
    width = max(len(t) for t, _ in rows)
    toks = torch.full((len(rows), width), pad_id, dtype=torch.long)
    roles = torch.zeros((len(rows), width), dtype=torch.long)
    attn = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (t, r) in enumerate(rows):
        toks[i, : len(t)] = torch.tensor(t)
        roles[i, : len(r)] = torch.tensor(r)
        attn[i, : len(t)] = 1
    return toks, roles, attn


class YieldRegressor(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=128,
            max_position_embeddings=160,
            hidden_dropout_prob=0.1,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.regressor = nn.Sequential(nn.Linear(64, 32), nn.GELU(), nn.Linear(32, 1))

    def forward(self, toks, roles, attn):
        out = self.encoder(input_ids=toks, token_type_ids=roles, attention_mask=attn)
        cls_vec = out.last_hidden_state[:, 0]
        return self.regressor(cls_vec).squeeze(-1)


rxn_smiles = [r for r, _ in REACTIONS]
yields = torch.tensor([y for _, y in REACTIONS]) / 100.0
vocab = make_vocab(rxn_smiles)
feats = [featurize(r, vocab) for r in rxn_smiles]
print(f"{len(vocab)} tokens in vocab, longest reaction {max(len(t) for t, _ in feats)} tokens")

model = YieldRegressor(len(vocab))
opt = torch.optim.Adam(model.parameters(), lr=5e-4)
loss_fn = nn.MSELoss()

train_rows, test_rows = list(range(8)), [8, 9]
for step in range(30):
    model.train()
    toks, roles, attn = collate([feats[i] for i in train_rows], vocab["[PAD]"])
    pred = model(toks, roles, attn)
    loss = loss_fn(pred, yields[train_rows])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step:3d}  mse {loss.item():.4f}")

model.eval()
with torch.no_grad():
    toks, roles, attn = collate([feats[i] for i in test_rows], vocab["[PAD]"])
    pred = model(toks, roles, attn) * 100
for i, p in zip(test_rows, pred.tolist()):
    print(f"rxn {i}: predicted {p:5.1f}%  measured {REACTIONS[i][1]:5.1f}%")
