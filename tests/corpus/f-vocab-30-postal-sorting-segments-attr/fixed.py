# Route parcels to a regional sorting hub from the three parts of a handwritten
# address label (already transcribed).  Each label part gets its own segment id.
import os
import tempfile
from dataclasses import dataclass, field

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(42)

FIELD_ORDER = ("recipient", "street", "locality")
HUBS = ["north", "central", "coastal"]

LABELS = [
    ({"recipient": "j okafor", "street": "12 mill lane", "locality": "ashby upper"}, "north"),
    ({"recipient": "m silva", "street": "4 quay road", "locality": "porthaven"}, "coastal"),
    ({"recipient": "r chen", "street": "88 market street", "locality": "midford"}, "central"),
    ({"recipient": "a novak", "street": "2 harbour walk", "locality": "porthaven"}, "coastal"),
    ({"recipient": "t brennan", "street": "31 moor road", "locality": "ashby lower"}, "north"),
    ({"recipient": "k ito", "street": "7 station road", "locality": "midford"}, "central"),
]


@dataclass
class Packed:
    ids: list = field(default_factory=list)
    types: list = field(default_factory=list)


def make_tokenizer():
    words = sorted({w for lab, _ in LABELS for part in lab.values() for w in part.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def pack_label(label, tok):
    packed = Packed(ids=[tok.cls_token_id], types=[0])
    for idx, name in enumerate(FIELD_ORDER):
        piece = tok.encode(label[name], add_special_tokens=False) + [tok.sep_token_id]
        packed.ids.extend(piece)
        packed.types.extend([idx] * len(piece))
    return packed


def to_tensors(packs, pad_id):
    width = max(len(p.ids) for p in packs)
    ids = torch.full((len(packs), width), pad_id)
    types = torch.zeros((len(packs), width), dtype=torch.long)
    attn = torch.zeros((len(packs), width), dtype=torch.long)
    for r, p in enumerate(packs):
        n = len(p.ids)
        ids[r, :n] = torch.tensor(p.ids)
        types[r, :n] = torch.tensor(p.types)
        attn[r, :n] = 1
    return ids, types, attn


tok = make_tokenizer()
config = BertConfig(
    vocab_size=tok.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=48,
    num_labels=len(HUBS),
    type_vocab_size=len(FIELD_ORDER),
)
model = BertForSequenceClassification(config)

packs = [pack_label(lab, tok) for lab, _ in LABELS]
ids, types, attn = to_tensors(packs, tok.pad_token_id)
hub_ids = torch.tensor([HUBS.index(h) for _, h in LABELS])
print(f"packed {len(packs)} address labels, width {ids.size(1)}")

opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
model.train()
for step in range(20):
    out = model(input_ids=ids, token_type_ids=types, attention_mask=attn, labels=hub_ids)
    opt.zero_grad()
    out.loss.backward()
    opt.step()
    if step % 5 == 4:
        print(f"step {step + 1}: loss {out.loss.item():.4f}")

model.eval()
with torch.no_grad():
    guess = model(input_ids=ids, token_type_ids=types, attention_mask=attn).logits.argmax(-1)
for (lab, hub), g in zip(LABELS, guess.tolist()):
    print(f"{lab['locality']:>12s} -> {HUBS[g]:8s} (true {hub})")
