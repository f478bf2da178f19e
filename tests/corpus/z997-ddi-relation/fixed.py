"""Drug-drug interaction (DDI) relation classification, replication of Sec. 3.3.

Each sentence carries two drug mentions wrapped in entity markers (Eq. 2):
    [E1] d_1 [/E1] ... [E2] d_2 [/E2]
and the [CLS] representation h_0 is mapped to one of N_C interaction types (Eq. 5).
Training is run through Accelerate so the same script is used on the cluster.
"""
import os
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L_MAX = 40
D_MODEL = 32
K = 1
R = ["none", "mechanism", "effect", "advise"]      # relation set, Table 1
N_C = len(R)
MARKERS = ["[E1]", "[/E1]", "[E2]", "[/E2]"]        # Eq. 2


@dataclass
class Hyper:
    eta: float = 3e-4
    b: int = 3
    epochs: int = 2
    seed: int = 7


# (sentence with markers, relation) pairs from the annotated abstracts
S = [
    ("[E1] ketoconazole [/E1] increases plasma levels of [E2] midazolam [/E2]", "mechanism"),
    ("coadministration of [E1] warfarin [/E1] and [E2] aspirin [/E2] raises bleeding risk", "effect"),
    ("patients on [E1] lithium [/E1] should avoid [E2] ibuprofen [/E2]", "advise"),
    ("[E1] metformin [/E1] was given with [E2] insulin [/E2] in the second arm", "none"),
    ("[E1] rifampin [/E1] induces the metabolism of [E2] digoxin [/E2]", "mechanism"),
    ("[E1] sildenafil [/E1] potentiates the hypotensive effect of [E2] nitrates [/E2]", "effect"),
    ("dose adjustment of [E1] simvastatin [/E1] is advised with [E2] amiodarone [/E2]", "advise"),
    ("[E1] omeprazole [/E1] and [E2] paracetamol [/E2] were both tolerated", "none"),
]


def write_vocab(texts):
    base = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = set()
    for t in texts:
        for w in t.split():
            if w not in MARKERS:
                words.add(w)
    d = tempfile.mkdtemp()
    p = os.path.join(d, "vocab.txt")
    with open(p, "w") as f:
        f.write("\n".join(base + sorted(words)) + "\n")
    return p


def encode(rows, tok):
    enc = tok([s for s, _ in rows], truncation=True, max_length=L_MAX)
    return [{"ids": enc["input_ids"][i], "r": R.index(rows[i][1])} for i in range(len(rows))]


def collate(items, pad_id):
    n = max(len(it["ids"]) for it in items)
    X = torch.full((len(items), n), pad_id, dtype=torch.long)
    A = torch.zeros((len(items), n), dtype=torch.long)
    for j, it in enumerate(items):
        X[j, :len(it["ids"])] = torch.tensor(it["ids"])
        A[j, :len(it["ids"])] = 1
    return {"input_ids": X, "attention_mask": A,
            "labels": torch.tensor([it["r"] for it in items])}


def main(hp=Hyper()):
    set_seed(hp.seed)
    acc = Accelerator(cpu=True)

    tok = BertTokenizer(write_vocab([s for s, _ in S]))
    tok.add_tokens(MARKERS, special_tokens=True)   # markers must stay atomic (Sec. 3.3)
    acc.print(f"markers -> {tok.convert_tokens_to_ids(MARKERS)}")

    cfg = BertConfig(vocab_size=len(tok), hidden_size=D_MODEL, num_hidden_layers=K,
                     num_attention_heads=2, intermediate_size=2 * D_MODEL,
                     max_position_embeddings=64, num_labels=N_C)
    f_theta = BertForSequenceClassification(cfg)

    D = encode(S, tok)
    dl = DataLoader(D, batch_size=hp.b, shuffle=True,
                    collate_fn=partial(collate, pad_id=tok.pad_token_id))
    opt = torch.optim.AdamW(f_theta.parameters(), lr=hp.eta)
    f_theta, opt, dl = acc.prepare(f_theta, opt, dl)

    for ep in range(hp.epochs):
        f_theta.train()
        tot = 0.0
        for batch in dl:
            out = f_theta(**batch)          # Eq. 5 cross-entropy on h_0
            acc.backward(out.loss)
            opt.step()
            opt.zero_grad()
            tot += out.loss.item()
        acc.print(f"epoch {ep}: L = {tot / len(dl):.4f}")

    acc.print("done")


if __name__ == "__main__":
    main()
