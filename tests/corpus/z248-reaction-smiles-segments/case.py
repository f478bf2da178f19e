import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

random.seed(11)
torch.manual_seed(11)

# reaction SMILES "reactants>reagents>products" with a coarse reaction-type label
REACTIONS = [
    ("CC(=O)O.NCC>DCC>CC(=O)NCC", "amide"),
    ("OC(=O)c1ccccc1.NC>HATU>CNC(=O)c1ccccc1", "amide"),
    ("CC(=O)Cl.NCCO>TEA>CC(=O)NCCO", "amide"),
    ("OC(=O)CC.Nc1ccccc1>EDC>CCC(=O)Nc1ccccc1", "amide"),
    ("CC(=O)O.OCC>H2SO4>CC(=O)OCC", "ester"),
    ("OC(=O)c1ccccc1.CO>H2SO4>COC(=O)c1ccccc1", "ester"),
    ("CCC(=O)O.OC(C)C>TsOH>CCC(=O)OC(C)C", "ester"),
    ("CC(=O)Cl.OCCC>Py>CC(=O)OCCC", "ester"),
    ("CC(=O)CC>NaBH4>CC(O)CC", "reduction"),
    ("O=Cc1ccccc1>NaBH4>OCc1ccccc1", "reduction"),
    ("CC(=O)OCC>LiAlH4>CCO", "reduction"),
    ("O=C1CCCCC1>NaBH4>OC1CCCCC1", "reduction"),
]
CLASSES = sorted({lab for _, lab in REACTIONS})
alphabet = sorted({ch for rxn, _ in REACTIONS for ch in rxn if ch != ">"})
char_ids = {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2}
for ch in alphabet:
    char_ids[ch] = len(char_ids)


def encode_reaction(rxn):
    parts = rxn.split(">")
    ids, segs = [char_ids["[CLS]"]], [0]
    for seg_no, part in enumerate(parts):
        ids.extend(char_ids[c] for c in part)
        ids.append(char_ids["[SEP]"])
        segs.extend([seg_no] * (len(part) + 1))
    return ids, segs


def make_batch(rows):
    enc = [encode_reaction(r) for r, _ in rows]
    width = max(len(ids) for ids, _ in enc)
    ids_t = torch.zeros(len(rows), width, dtype=torch.long)
    seg_t = torch.zeros(len(rows), width, dtype=torch.long)
    att_t = torch.zeros(len(rows), width, dtype=torch.long)
    for i, (ids, segs) in enumerate(enc):
        ids_t[i, : len(ids)] = torch.tensor(ids)
        seg_t[i, : len(segs)] = torch.tensor(segs)
        att_t[i, : len(ids)] = 1
    y = torch.tensor([CLASSES.index(lab) for _, lab in rows])
    return {"ids": ids_t, "segments": seg_t, "attn": att_t, "y": y}


class ReactionClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.cls = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, batch):
        out = self.bert(input_ids=batch["ids"], attention_mask=batch["attn"],
                        token_type_ids=batch["segments"])
        return self.cls(out.last_hidden_state[:, 0])


model = ReactionClassifier(len(char_ids), len(CLASSES))
optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(6):
    random.shuffle(REACTIONS)
    total = 0.0
    for k in range(0, len(REACTIONS), 4):
        batch = make_batch(REACTIONS[k:k + 4])
        logits = model(batch)
        loss = loss_fn(logits, batch["y"])
        optim.zero_grad()
        loss.backward()
        optim.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total:.3f}")

model.eval()
with torch.no_grad():
    batch = make_batch(REACTIONS)
    acc = (model(batch).argmax(-1) == batch["y"]).float().mean().item()
print(f"train accuracy {acc:.2f}")
