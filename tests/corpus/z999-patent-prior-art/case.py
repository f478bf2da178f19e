"""Prior-art retrieval with a bi-encoder (replication of Sec. 3.1 / Sec. 4.1).

A claim c and a prior-art abstract a are embedded independently, u = f(c), v = f(a),
with mean pooling over wordpieces (Eq. 2), and trained so that cos(u, v) regresses the
examiner's relevance grade s in [0, 1] (Eq. 4). The encoder is a scaled-down BERT.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

SEED = 11
L_MAX = 256         # max wordpieces per side, as in Sec. 4.1
D_MODEL = 32
K = 1
P_MAX = 64          # position table of the scaled-down encoder (Table 6)
B = 2

# independent claim + dependent claims; Sec. 3.1 concatenates them into one query
CLAIMS = {
    "c1": ["a rotor blade comprising a leading edge and a trailing edge",
           "wherein the leading edge carries an erosion shield of polyurethane",
           "wherein the shield is bonded to the blade shell by an adhesive layer",
           "wherein the adhesive layer has a thickness between one and three millimetres",
           "wherein the trailing edge comprises serrations to reduce noise",
           "wherein the serrations are formed of a glass fibre composite",
           "wherein the blade shell comprises a spar cap of carbon fibre"],
    "c2": ["a battery pack comprising a plurality of cells and a cooling plate",
           "wherein the cooling plate has channels for a liquid coolant"],
    "c3": ["a hearing aid comprising a microphone and a receiver",
           "wherein the receiver is placed in the ear canal"],
}
ABSTRACTS = {
    "a1": "a wind turbine blade with a polyurethane leading edge shield bonded by adhesive",
    "a2": "a cooling plate with liquid channels for a pack of battery cells",
    "a3": "a receiver in the ear canal connected to a microphone housing",
    "a4": "a method of brewing coffee with a paper filter",
}
# (claim, abstract, relevance grade s)
GRADES = [("c1", "a1", 0.9), ("c2", "a2", 0.85), ("c3", "a3", 0.8),
          ("c1", "a4", 0.0), ("c2", "a3", 0.1), ("c3", "a1", 0.05)]


def seed_all(s):
    random.seed(s); np.random.seed(s); torch.manual_seed(s)


def query_text(cid):
    return " ".join(CLAIMS[cid])


def build_encoder_dir():
    words = set()
    for parts in CLAIMS.values():
        for p in parts:
            words.update(p.split())
    for a in ABSTRACTS.values():
        words.update(a.split())
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    tok = BertTokenizer(os.path.join(d, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=D_MODEL, num_hidden_layers=K,
                     num_attention_heads=2, intermediate_size=2 * D_MODEL,
                     max_position_embeddings=P_MAX)
    BertModel(cfg).save_pretrained(d)
    tok.save_pretrained(d)
    return d


def make_pairs():
    return [InputExample(texts=[query_text(c), ABSTRACTS[a]], label=float(s)) for c, a, s in GRADES]


def main():
    seed_all(SEED)
    d = build_encoder_dir()
    f = models.Transformer(d, max_seq_length=L_MAX)
    g = models.Pooling(D_MODEL, pooling_mode="mean")                           # Eq. 2
    net = SentenceTransformer(modules=[f, g], device="cpu")

    ex = make_pairs()
    lens = [len(e.texts[0].split()) for e in ex]
    print(f"{len(ex)} graded pairs, query length (words): min={min(lens)} max={max(lens)}")

    dl = DataLoader(ex, shuffle=True, batch_size=B)
    obj = losses.CosineSimilarityLoss(net)                                     # Eq. 4
    net.old_fit(train_objectives=[(dl, obj)], epochs=2, warmup_steps=0,
                show_progress_bar=False)

    u = net.encode([query_text("c1")], convert_to_tensor=True)
    v = net.encode(list(ABSTRACTS.values()), convert_to_tensor=True)
    print("cos(c1, a_j):", torch.nn.functional.cosine_similarity(u, v).tolist())


if __name__ == "__main__":
    main()
