"""Clause segmentation of statute text (replicating Sec. 4.2).

Every wordpiece x_t of a provision is labelled with a boundary tag
y_t in {O, B, I} (Eq. 3). Logits z_t = W h_t + b are computed from the
contextual states h_t of a small BERT encoder and trained with the mean
token-level cross-entropy of Eq. 6, padding positions excluded.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
import lightning.pytorch as pl
from transformers import BertConfig, BertModel, BertTokenizer

L_MAX = 32
D_MODEL = 32
K = 2
N_C = 3             # |{O, B, I}|, Eq. 3
ETA = 1e-3
P_DROP = 0.1
IGN = -100

# provisions, pre-split into words, with per-word boundary tags
PROVISIONS = [
    ("the lessee shall pay rent monthly and shall keep the premises in repair",
     "B I I I I I O B I I I I I"),
    ("no person may discharge effluent unless a permit has been granted",
     "B I I I I O B I I I I"),
    ("the minister may by order amend schedule two",
     "B I I O I I I I"),
    ("where the court is satisfied it may order costs against the applicant",
     "O B I I I B I I I I I I"),
    ("a notice under this section must be in writing and must state the grounds",
     "B I I I I I I I I O B I I I"),
    ("the tenant may terminate the lease if the landlord fails to repair",
     "B I I I I I O B I I I I"),
]
TAG = {"O": 0, "B": 1, "I": 2}


def vocab_file(rows):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    toks += sorted({w for s, _ in rows for w in s.split()})
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return os.path.join(d, "vocab.txt")


def featurise(rows, tok):
    for s, t in rows:
        e = tok(s.split(), is_split_into_words=True, truncation=True, max_length=L_MAX)
        g = [TAG[c] for c in t.split()]
        y = [IGN if k is None else g[k] for k in e.word_ids()]
        yield e["input_ids"], y


def pad_batch(batch, pad_id):
    T = max(len(x) for x, _ in batch)
    X = torch.full((len(batch), T), pad_id, dtype=torch.long)
    Y = torch.full((len(batch), T), IGN, dtype=torch.long)
    for i, (x, y) in enumerate(batch):
        X[i, :len(x)] = torch.tensor(x)
        Y[i, :len(y)] = torch.tensor(y)
    return X, (X != pad_id).long(), Y


class ClauseSeg(pl.LightningModule):
    def __init__(self, V):
        super().__init__()
        cfg = BertConfig(vocab_size=V, hidden_size=D_MODEL, num_hidden_layers=K,
                         num_attention_heads=2, intermediate_size=2 * D_MODEL,
                         max_position_embeddings=64)
        self.enc = BertModel(cfg, add_pooling_layer=False)
        self.drop = nn.Dropout(P_DROP)
        self.W = nn.Linear(D_MODEL, N_C)

    def forward(self, X, M):
        H = self.enc(input_ids=X, attention_mask=M).last_hidden_state   # h_t, Eq. 5
        return self.W(self.drop(H))                                     # z_t

    def training_step(self, batch, _):
        X, M, Y = batch
        Z = self(X, M)
        ell = F.cross_entropy(Z.transpose(1, 2), Y, ignore_index=IGN)   # Eq. 6
        self.log("train/ce", ell, prog_bar=False)
        return ell

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=ETA)


def main():
    pl.seed_everything(3, verbose=False)
    tok = BertTokenizer(vocab_file(PROVISIONS))
    data = list(featurise(PROVISIONS, tok))
    print(f"{len(data)} provisions, |V|={len(tok)}, longest={max(len(x) for x, _ in data)}")

    dl = DataLoader(data, batch_size=2, shuffle=True,
                    collate_fn=lambda b: pad_batch(b, tok.pad_token_id))
    net = ClauseSeg(len(tok))
    tr = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                    logger=False, enable_checkpointing=False)
    tr.fit(net, dl)
    print("trained, final CE:", float(tr.callback_metrics.get("train/ce", float("nan"))))


if __name__ == "__main__":
    main()
