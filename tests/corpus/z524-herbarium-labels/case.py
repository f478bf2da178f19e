"""Embed herbarium specimen label transcriptions for near-duplicate detection.

Labels come off the digitisation line in small chunks; each chunk is tokenised,
tagged with the herbarium region code as an extra token and pushed through a
small BERT encoder. Pooled vectors go to the dedup index downstream.
"""
import os
import tempfile
from itertools import islice

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

LABELS = [
    ("Quercus robur L., hedgerow near Wytham, coll. A. Price 1931", "EU"),
    ("Quercus robur, Wytham hedge, A. Price", "EU"),
    ("Carex pendula Huds. damp woodland ride", "EU"),
    ("Banksia serrata L.f. coastal heath sandstone", "AU"),
    ("Eucalyptus pauciflora subalpine woodland snow gum", "AU"),
    ("Banksia serrata, heath on sandstone", "AU"),
    ("Sequoia sempervirens redwood grove fog belt", "NA"),
    ("Carex pendula, woodland ride, damp clay", "EU"),
]
REGIONS = {"EU": "[EU]", "AU": "[AU]", "NA": "[NA]"}

WORDS = sorted({w.strip(",.").lower() for text, _ in LABELS for w in text.split()})
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(REGIONS.values())


def build_tokenizer():
    tmp = tempfile.mkdtemp(prefix="herb_vocab_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + WORDS) + "\n")
    tok = BertTokenizer(path, do_lower_case=True)
    return tok


def chunks(rows, size):
    it = iter(rows)
    while True:
        block = list(islice(it, size))
        if not block:
            return
        yield block


def tokenise(blocks, tok):
    for block in blocks:
        texts = [t for t, _ in block]
        enc = tok(texts, padding=True, return_tensors="pt")
        yield {
            "ids": enc["input_ids"],
            "attn": enc["attention_mask"],
            "region": [r for _, r in block],
        }


def tag_region(batches, tok):
    # region code goes at the end so [CLS] stays in position 0
    for b in batches:
        codes = torch.tensor(
            [[tok.convert_tokens_to_ids(REGIONS[r])] for r in b["region"]]
        )
        b["ids"] = torch.cat([b["ids"], codes], dim=1)
        yield b


def encode(batches, model):
    for b in batches:
        with torch.no_grad():
            out = model(input_ids=b["ids"], attention_mask=b["attn"])
        hidden = out.last_hidden_state
        weights = b["attn"].unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1)
        yield torch.nn.functional.normalize(pooled, dim=-1)


def main():
    tok = build_tokenizer()
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertModel(cfg).eval()
    print(f"vocab={len(tok)} regions={len(REGIONS)} labels={len(LABELS)}")

    pipeline = encode(tag_region(tokenise(chunks(LABELS, 4), tok), tok), model)
    vectors = []
    for i, vecs in enumerate(pipeline):
        print(f"chunk {i}: {tuple(vecs.shape)}")
        vectors.append(vecs)

    emb = torch.cat(vectors)
    sims = emb @ emb.T
    sims.fill_diagonal_(-1.0)
    best = sims.argmax(dim=1)
    for i, j in enumerate(best.tolist()):
        print(f"{LABELS[i][0][:32]:<34} ~ {LABELS[j][0][:32]}  ({sims[i, j]:.3f})")


if __name__ == "__main__":
    main()
