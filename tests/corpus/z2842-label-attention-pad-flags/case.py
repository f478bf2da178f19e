import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

hyper = {
    "seed": 314,
    "n_docs": 60,
    "max_len": 50,
    "min_count": 2,
    "emb_dim": 24,
    "rnn_dim": 16,
    "att_dim": 20,
    "batch_size": 10,
    "lr": 1e-3,
    "n_epochs": 2,
    "top_k": 3,
}

CODE_TABLE = ["428.0", "427.31", "584.9", "250.00", "401.9", "518.81", "599.0", "038.9"]
TERMS = [
    "afib", "rvr", "rate", "control", "diltiazem", "chf", "lasix", "diuresis", "bnp",
    "aki", "creatinine", "baseline", "insulin", "sliding", "scale", "a1c", "bp",
    "uncontrolled", "intubated", "hypoxic", "respiratory", "failure", "uti",
    "culture", "ceftriaxone", "sepsis", "lactate", "pressors", "pt", "seen",
    "today", "stable", "overnight", "plan", "continue", "monitor", "labs", "am",
]


def synth_corpus(hp, rng):
    docs = []
    codes = []
    for d in range(hp["n_docs"]):
        length = int(rng.integers(12, hp["max_len"] + 20))
        words = []
        for t in range(length):
            words.append(TERMS[int(rng.integers(0, len(TERMS)))])
        if rng.random() < 0.1:
            words.append("hypokalemia")
        docs.append(words)
        k = int(rng.integers(1, 4))
        codes.append(list(rng.choice(CODE_TABLE, size=k, replace=False)))
    return docs, codes


def build_vocab(docs, hp):
    counts = {}
    for words in docs:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    word2id = {"<pad>": 0, "<unk>": 1}
    for w in sorted(counts):
        if counts[w] >= hp["min_count"]:
            word2id[w] = len(word2id)
    return word2id


def numericalise(docs, codes, word2id, hp):
    n_docs = len(docs)
    L = hp["max_len"]
    token_ids = np.zeros((n_docs, L), dtype=np.int64)
    pad_flags = np.ones((n_docs, L), dtype=np.float32)
    doc_len = np.zeros(n_docs, dtype=np.int64)
    y = np.zeros((n_docs, len(CODE_TABLE)), dtype=np.float32)
    code_col = {}
    for j in range(len(CODE_TABLE)):
        code_col[CODE_TABLE[j]] = j
    for i in range(n_docs):
        words = docs[i][:L]
        n_tok = len(words)
        for t in range(n_tok):
            token_ids[i, t] = word2id.get(words[t], word2id["<unk>"])
        pad_flags[i, :n_tok] = 0.0
        doc_len[i] = n_tok
        for c in codes[i]:
            y[i, code_col[c]] = 1.0
    print("docs=%d vocab=%d mean_len=%.1f frac_pad=%.3f codes/doc=%.2f" % (
        n_docs, len(word2id), doc_len.mean(), pad_flags.mean(), y.sum(axis=1).mean()))
    return {"token_ids": token_ids, "pad_flags": pad_flags, "doc_len": doc_len, "y": y}


def iterate_batches(arrays, hp, rng, shuffle=True):
    n = arrays["token_ids"].shape[0]
    order = rng.permutation(n) if shuffle else np.arange(n)
    for s in range(0, n, hp["batch_size"]):
        rows = order[s:s + hp["batch_size"]]
        yield {
            "token_ids": torch.from_numpy(arrays["token_ids"][rows]),
            "pad_flags": torch.from_numpy(arrays["pad_flags"][rows]),
            "y": torch.from_numpy(arrays["y"][rows]),
        }


class LabelAttentionCoder(nn.Module):
    def __init__(self, vocab_size, n_codes, hp):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hp["emb_dim"], padding_idx=0)
        self.rnn = nn.GRU(hp["emb_dim"], hp["rnn_dim"], batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hp["rnn_dim"], hp["att_dim"], bias=False)
        self.code_queries = nn.Linear(hp["att_dim"], n_codes, bias=False)
        self.code_out = nn.Parameter(torch.empty(n_codes, 2 * hp["rnn_dim"]))
        self.code_bias = nn.Parameter(torch.zeros(n_codes))
        nn.init.uniform_(self.code_out, -1.0 / math.sqrt(2 * hp["rnn_dim"]),
                         1.0 / math.sqrt(2 * hp["rnn_dim"]))

    def forward(self, token_ids, pad_flags):
        emb = self.embed(token_ids)
        hidden, _ = self.rnn(emb)
        z = torch.tanh(self.proj(hidden))
        scores = self.code_queries(z).transpose(1, 2)
        scores = scores.masked_fill(pad_flags.unsqueeze(1), -1e4)
        alpha = F.softmax(scores, dim=-1)
        code_repr = torch.bmm(alpha, hidden)
        logits = (code_repr * self.code_out.unsqueeze(0)).sum(dim=-1) + self.code_bias
        return logits, alpha


def precision_at_k(y_true, scores, k):
    n = y_true.shape[0]
    hits = np.zeros(n, dtype=np.float64)
    for i in range(n):
        top = np.argsort(-scores[i])[:k]
        hits[i] = y_true[i, top].sum() / float(k)
    return float(hits.mean())


def fit(hp):
    rng = np.random.default_rng(hp["seed"])
    torch.manual_seed(hp["seed"])
    docs, codes = synth_corpus(hp, rng)
    n_train = int(0.8 * len(docs))
    word2id = build_vocab(docs[:n_train], hp)
    train_arr = numericalise(docs[:n_train], codes[:n_train], word2id, hp)
    test_arr = numericalise(docs[n_train:], codes[n_train:], word2id, hp)

    model = LabelAttentionCoder(len(word2id), len(CODE_TABLE), hp)
    optim = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    for epoch in range(hp["n_epochs"]):
        model.train()
        epoch_loss = []
        for batch in iterate_batches(train_arr, hp, rng):
            logits, _ = model(batch["token_ids"], batch["pad_flags"])
            loss = F.binary_cross_entropy_with_logits(logits, batch["y"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            epoch_loss.append(loss.item())
        print("epoch %d  loss %.4f" % (epoch, float(np.mean(epoch_loss))))

    model.eval()
    all_scores = []
    with torch.no_grad():
        for batch in iterate_batches(test_arr, hp, rng, shuffle=False):
            logits, _ = model(batch["token_ids"], batch["pad_flags"])
            all_scores.append(torch.sigmoid(logits).numpy())
    all_scores = np.concatenate(all_scores, axis=0)
    p_at_k = precision_at_k(test_arr["y"], all_scores, hp["top_k"])
    print("test P@%d = %.3f" % (hp["top_k"], p_at_k))


if __name__ == "__main__":
    fit(hyper)
