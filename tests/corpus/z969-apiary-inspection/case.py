"""Apiary inspection notes -> nearest known hive condition.

Beekeepers dictate short inspection notes in the field; this function embeds each note with a
small encoder, mean-pools it and reports the closest reference condition by cosine similarity.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

WORDS = (
    "brood queen cells capped drone larvae mites varroa chalk mummies foulbrood smell sour "
    "ropey spotty pattern honey stores low heavy frames swarm absent seen eggs laying workers "
    "wax moth webbing robbing entrance guard bees calm defensive nectar flow pollen super "
    "added hive box no with on the and in of many few"
).split()

REFERENCE_CONDITIONS = {
    "varroa_load": "many varroa mites on drone brood",
    "chalkbrood": "chalk mummies in the entrance",
    "queenless": "no eggs no queen seen",
    "swarm_prep": "queen cells capped on frames",
    "healthy": "brood pattern and stores heavy",
}


@dataclass
class EncoderBundle:
    tokenizer: BertTokenizer
    encoder: BertModel


def build_bundle(seed: int) -> EncoderBundle:
    vocab_dir = tempfile.mkdtemp(prefix="apiary_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as out:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS:
            out.write(tok + "\n")
    tokenizer = BertTokenizer(path)
    torch.manual_seed(seed)
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(cfg).eval()
    return EncoderBundle(tokenizer, encoder)


def to_id_rows(tokenizer, texts):
    return [tokenizer.encode(t, add_special_tokens=True) for t in texts]


def pad_rows(rows, pad_id):
    longest = max(len(r) for r in rows)
    return torch.tensor([r + [pad_id] * (longest - len(r)) for r in rows])


def presence_mask(rows, width):
    out = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = 1
    return out


def embed(bundle: EncoderBundle, texts, width):
    rows = to_id_rows(bundle.tokenizer, texts)
    token_grid = pad_rows(rows, bundle.tokenizer.pad_token_id)
    seen = presence_mask(rows, width)
    with torch.no_grad():
        hidden = bundle.encoder(input_ids=token_grid, attention_mask=seen).last_hidden_state
    weights = seen.unsqueeze(-1).float()
    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
    return F.normalize(pooled, dim=-1)


_BUNDLE = None


def handler(event, context):
    global _BUNDLE
    params = event.get("params", {})
    width = params.get("max_len", 32)
    if _BUNDLE is None:
        _BUNDLE = build_bundle(params.get("seed", 11))

    notes = event["texts"]
    print(f"[apiary] {len(notes)} inspection notes, width={width}")
    ref_names = list(REFERENCE_CONDITIONS)
    ref_vecs = embed(_BUNDLE, [REFERENCE_CONDITIONS[k] for k in ref_names], width)
    note_vecs = embed(_BUNDLE, notes, width)

    sims = note_vecs @ ref_vecs.T
    matches = []
    for note, row in zip(notes, sims):
        j = int(row.argmax())
        matches.append({"note": note, "condition": ref_names[j], "score": round(float(row[j]), 3)})
        print(f"  {ref_names[j]:>12s}  {float(row[j]):.3f}  <- {note}")
    return {"statusCode": 200, "matches": matches}


if __name__ == "__main__":
    event = {
        "texts": [
            "varroa mites seen on drone larvae",
            "no eggs and workers laying",
            "wax moth webbing in the super",
            "queen cells capped swarm",
        ],
        "params": {"max_len": 32, "seed": 11},
    }
    result = handler(event, None)
    print("done:", len(result["matches"]), "matches")
