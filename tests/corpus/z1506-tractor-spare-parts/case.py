# Service desk: match farmer tickets to spare parts of the right tractor model.
# Bi-encoder over part descriptions, restricted to parts compatible with the ticket's model.
import os
import random
import tempfile
from types import SimpleNamespace

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(2); torch.manual_seed(2)

CATALOG = {
    "MF-240": ["hydraulic lift pump", "clutch plate", "fuel filter", "alternator belt",
               "front axle bushing", "water pump", "pto shaft seal"],
    "FD-3000": ["injector pump", "brake shoe set", "fan belt", "radiator hose"],
    "DB-990": ["steering box", "oil filter", "starter motor", "seat spring",
               "lift arm pin", "headlamp unit"],
    "ZT-25": ["glow plug", "air filter", "fuel cap"],
}
TICKETS = [
    ("MF-240", "lift will not raise the plough", "hydraulic lift pump"),
    ("MF-240", "engine cuts out under load dirty diesel", "fuel filter"),
    ("FD-3000", "engine overheating hose split", "radiator hose"),
    ("FD-3000", "brakes weak on the hill", "brake shoe set"),
    ("DB-990", "wheel turning is very heavy", "steering box"),
    ("DB-990", "no crank when key turned", "starter motor"),
    ("ZT-25", "hard to start on cold mornings", "glow plug"),
]

cfg = SimpleNamespace(top_k=3, max_len=16, encoder_dir=os.path.expanduser("~/models/parts-encoder"))

# only score tickets where the model has enough parts for hit@k to mean anything
eligible = [t for t in TICKETS if len(CATALOG[t[0]]) >= cfg.top_k]
print(f"{len(eligible)}/{len(TICKETS)} tickets eligible")


def tiny_encoder():
    words = sorted({w for parts in CATALOG.values() for p in parts for w in p.split()}
                   | {w for _, q, _ in TICKETS for w in q.split()})
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(d, "vocab.txt"))
    tok.model_max_length = cfg.max_len
    bert = BertModel(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64,
                                max_position_embeddings=64))
    bert.save_pretrained(d)
    tok.save_pretrained(d)
    word = models.Transformer(d, max_seq_length=cfg.max_len)
    return SentenceTransformer(modules=[word, models.Pooling(word.get_embedding_dimension(), "mean")],
                               device="cpu")


try:
    model = SentenceTransformer(cfg.encoder_dir, device="cpu")
except Exception as err:
    print("no local parts encoder:", type(err).__name__, "- building a small one")
    model = tiny_encoder()

pairs = [InputExample(texts=[q, gold]) for _, q, gold in TICKETS]
loader = DataLoader(pairs, batch_size=4, shuffle=True)
model.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(model))],
              epochs=3, warmup_steps=0, show_progress_bar=False)

# ops want hit@5 in the weekly report, not hit@3
cfg.top_k = 5

all_parts = [(m, p) for m, parts in CATALOG.items() for p in parts]
x = [p for _, p in all_parts]
part_emb = model.encode(x, convert_to_tensor=True, normalize_embeddings=True)
x = [q for _, q, _ in eligible]
query_emb = model.encode(x, convert_to_tensor=True, normalize_embeddings=True)
print("parts", tuple(part_emb.shape), "queries", tuple(query_emb.shape))

cand_ids = [torch.tensor([i for i, (m, _) in enumerate(all_parts) if m == mdl]) for mdl, _, _ in eligible]
widest = max(len(c) for c in cand_ids)
sims = torch.full((len(eligible), widest), float("-inf"))
for qi, ids in enumerate(cand_ids):
    sims[qi, : len(ids)] = query_emb[qi] @ part_emb[ids].T

top = sims.topk(cfg.top_k, dim=1)
hits = 0
for qi, (mdl, q, gold) in enumerate(eligible):
    picked = cand_ids[qi][top.indices[qi]]
    names = [all_parts[j][1] for j in picked.tolist()]
    hits += gold in names
    print(f"[{mdl}] {q!r:45} -> {names[:2]}")
print(f"hit@{cfg.top_k}: {hits / len(eligible):.2f}")
