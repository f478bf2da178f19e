"""Train a small bi-encoder that matches visitor questions to museum catalogue records."""
import os
import random
import re
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from transformers.utils import logging as hf_logging
from sentence_transformers import InputExample, SentenceTransformer, losses, models

hf_logging.disable_progress_bar()
[f(21) for f in (random.seed, np.random.seed, torch.manual_seed)]

RECORDS = {
    "ME.1907.33": dict(title="ceremonial adze with jade blade", maker="unknown maori carver",
                       materials="nephrite jade , carved wood , flax cord lashing",
                       provenance="collected in the bay of plenty region , purchased from a private "
                                  "collection in 1907 , accompanied by original field notes",
                       notes="blade polished on both faces , handle decorated with spiral motifs and "
                             "inlaid paua shell eyes , lashing replaced during conservation in 1988"),
    "TX.1952.4": dict(title="silk wedding kimono", maker="kyoto workshop",
                      materials="silk satin , gold thread embroidery , cotton lining",
                      provenance="gift of a family from yokohama in 1952",
                      notes="cranes and pine motif , minor fading along the hem"),
    "NU.1899.210": dict(title="silver tetradrachm of athens", maker="athenian mint",
                        materials="struck silver",
                        provenance="bequest of a numismatist , previously in a london auction catalogue "
                                   "of 1881 , lot number recorded on the envelope",
                        notes="head of athena on the obverse , owl with olive sprig and crescent on the "
                              "reverse , test cut across the owl , dark toning , weight recorded as "
                              "seventeen grams"),
    "CE.1961.77": dict(title="blue and white porcelain jar", maker="jingdezhen kilns",
                       materials="porcelain , cobalt underglaze",
                       provenance="purchased at auction in 1961", notes="lid missing , hairline crack"),
}
QUESTIONS = [
    ("do you have any jade tools from new zealand", "ME.1907.33", 0.9),
    ("is there an ancient greek coin with an owl", "NU.1899.210", 0.95),
    ("japanese wedding clothes", "TX.1952.4", 0.85),
    ("chinese blue porcelain", "CE.1961.77", 0.9),
    ("do you have any jade tools from new zealand", "CE.1961.77", 0.1),
    ("is there an ancient greek coin with an owl", "TX.1952.4", 0.05),
    ("japanese wedding clothes", "NU.1899.210", 0.1),
    ("chinese blue porcelain", "ME.1907.33", 0.15),
]

flatten = lambda rec: " . ".join(rec[k] for k in ("title", "maker", "materials", "provenance", "notes"))
words_of = lambda text: re.findall(r"\w+|[^\w\s]", text.lower())


def save_tiny_encoder(texts, out=None, **cfg_kw):
    out = out or tempfile.mkdtemp()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({w for t in texts for w in words_of(t)})]
    open(vp := os.path.join(out, "vocab.txt"), "w").write("\n".join(vocab))
    BertTokenizer(vp).save_pretrained(out)
    BertModel(cfg := BertConfig(vocab_size=len(vocab), **cfg_kw)).save_pretrained(out)
    return out, cfg


def bi_encoder(path, *, pooling="mean", **tr_kw):
    return SentenceTransformer(modules=[tr := models.Transformer(path, **tr_kw),
                                        models.Pooling(tr.get_embedding_dimension(), pooling)],
                               device="cpu")


if __name__ == "__main__":
    docs = {k: flatten(r) for k, r in RECORDS.items()}
    path, enc_cfg = save_tiny_encoder([*docs.values(), *(q for q, _, _ in QUESTIONS)],
                                      hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                      intermediate_size=64, max_position_embeddings=40)
    tok = BertTokenizer.from_pretrained(path)
    longest = max(len(tok.tokenize(d)) for d in docs.values()) + 2
    print(f"{len(docs)} records, longest {longest} tokens, vocab {enc_cfg.vocab_size}")

    model = bi_encoder(path, max_seq_length=enc_cfg.max_position_embeddings)
    pairs = [InputExample(texts=[q, docs[ref]], label=float(s)) for q, ref, s in QUESTIONS]
    loader = DataLoader(pairs, batch_size=4, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.CosineSimilarityLoss(model))], epochs=2,
                  warmup_steps=1, optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    q, d = model.encode([QUESTIONS[1][0]]), model.encode(list(docs.values()))
    best = max(zip(docs, (q @ d.T)[0]), key=lambda kv: kv[1])
    print("top match for", repr(QUESTIONS[1][0]), "->", best[0], f"{best[1]:.3f}")
