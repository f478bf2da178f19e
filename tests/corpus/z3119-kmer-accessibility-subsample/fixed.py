import itertools
import os

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
KMER = 3
SEQ_LEN = 60
MAX_LEN = 64
N_PEAKS = 96
SUBSAMPLE_FRAC = 0.25

torch.manual_seed(3)
rng = np.random.default_rng(3)


def make_vocab(path, k):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = specials + ["".join(p) for p in itertools.product("ACGT", repeat=k)]
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return len(words)


def kmerize(seq, k=KMER):
    return " ".join(seq[i:i + k] for i in range(0, len(seq) - k + 1))


def simulate_peaks(n):
    ctcf = "CCGCGAGGGGGC"
    seqs, accessible = [], []
    for _ in range(n):
        s = list(rng.choice(list("ACGT"), size=SEQ_LEN))
        y = rng.random() < 0.5
        if y:
            p = rng.integers(0, SEQ_LEN - len(ctcf))
            s[p:p + len(ctcf)] = list(ctcf)
        seqs.append("".join(s))
        accessible.append(float(y))
    return seqs, np.array(accessible, dtype=np.float32)


class AccessibilityModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_LEN)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.out = nn.Linear(32, 1)

    def forward(self, input_ids, attention_mask, **_):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.out(h[:, 0]).squeeze(-1)


def batches(enc, y, bs, shuffle):
    idx = rng.permutation(len(y)) if shuffle else np.arange(len(y))
    for s in range(0, len(idx), bs):
        j = torch.as_tensor(idx[s:s + bs])
        yield {k: v[j] for k, v in enc.items()}, torch.as_tensor(y[idx[s:s + bs]])


def make_step(model, opt, loss_fn):
    def step(batch, target):
        opt.zero_grad()
        loss = loss_fn(model(**batch), target)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def saliency(model, enc, rows):
    model.eval()
    emb_layer = model.bert.embeddings.word_embeddings
    ids = enc["input_ids"][rows]
    mask = enc["attention_mask"][rows]
    embeds = emb_layer(ids).detach().requires_grad_(True)
    h = model.bert(inputs_embeds=embeds, attention_mask=mask).last_hidden_state
    model.out(h[:, 0]).sum().backward()
    return (embeds.grad.norm(dim=-1) * mask).numpy()


def main():
    vocab_file = os.path.join(HERE, "dna_3mer_vocab.txt")
    vsize = make_vocab(vocab_file, KMER)
    tok = BertTokenizer(vocab_file, do_lower_case=False)

    seqs, y = simulate_peaks(N_PEAKS)
    enc = tok([kmerize(s) for s in seqs], padding="max_length", truncation=True,
              max_length=MAX_LEN, return_tensors="pt")
    enc = {k: enc[k] for k in ("input_ids", "attention_mask")}
    cut = 72
    tr = {k: v[:cut] for k, v in enc.items()}
    va = {k: v[cut:] for k, v in enc.items()}

    model = AccessibilityModel(vsize)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    step = make_step(model, opt, nn.BCEWithLogitsLoss())

    for epoch in range(3):
        model.train()
        losses = [step(b, t) for b, t in batches(tr, y[:cut], 12, shuffle=True)]
        model.eval()
        with torch.no_grad():
            p = torch.cat([torch.sigmoid(model(**b)) for b, _ in batches(va, y[cut:], 12, False)])
        acc = ((p.numpy() > 0.5) == (y[cut:] > 0.5)).mean()
        print(f"epoch {epoch} loss {np.mean(losses):.3f} val acc {acc:.2f}")

    n_val = len(y) - cut
    n_sub = int(n_val * SUBSAMPLE_FRAC)
    rows = np.sort(rng.choice(n_val, n_sub, replace=False))
    sal = saliency(model, va, torch.as_tensor(rows))
    top = sal.argmax(1)
    for r, pos in zip(rows, top):
        kmer = tok.convert_ids_to_tokens(int(va["input_ids"][r, pos]))
        print(f"peak {cut + r}: accessible={bool(y[cut + r])} top k-mer {kmer} @ {pos}")


if __name__ == "__main__":
    main()
