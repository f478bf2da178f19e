"""Find a song from a half-remembered line. Late-interaction (ColBERT-style)
retrieval: every word of the query and of each lyric line keeps its own vector,
candidates come from a flat token index searched with topk, and the survivors
are re-scored with MaxSim."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)

LYRIC_LINES = [
    ("Harbour Lights", "the harbour lights are calling me back home tonight"),
    ("Dust Road", "walking down a dust road with nothing but a song"),
    ("Paper Moon", "you hung a paper moon above my bed in june"),
    ("Cold Coffee", "cold coffee on the table and your coat is gone"),
    ("Neon Rain", "dancing in the neon rain until the morning comes"),
    ("Silver Train", "the silver train keeps rolling through the empty town"),
]
HUMMED = [
    "lights calling me home",
    "dust road nothing but a song",
    "paper moon above my bed",
    "coffee on the table coat gone",
    "dancing in neon rain",
    "silver train rolling through town",
]
DIM = 32

words = sorted({w for _, line in LYRIC_LINES for w in line.split()} | {w for q in HUMMED for w in q.split()})
word_ix = {w: i + 1 for i, w in enumerate(words)}


def to_ids(texts):
    rows = [[word_ix.get(w, 0) for w in t.split()] for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
    return ids, ids.eq(0)


class TokenEncoder(nn.Module):
    def __init__(self, n_words):
        super().__init__()
        self.emb = nn.Embedding(n_words + 1, DIM, padding_idx=0)
        self.ctx = nn.TransformerEncoderLayer(DIM, nhead=2, dim_feedforward=64, dropout=0.0)

    def forward(self, ids, pad):
        seq_first = self.emb(ids).transpose(0, 1)            # (len, batch, dim)
        hidden = self.ctx(seq_first, src_key_padding_mask=pad)
        return F.normalize(hidden.transpose(0, 1), dim=-1)   # (batch, len, dim)


def maxsim(q_tok, q_pad, d_tok, d_pad):
    sim = torch.einsum("qid,pjd->qpij", q_tok, d_tok)
    sim = sim.masked_fill(d_pad[None, :, None, :], -1e4)
    best = sim.max(dim=-1).values                          # (q, p, i)
    best = best.masked_fill(q_pad[:, None, :], 0.0)
    return best.sum(dim=-1)


def train(enc, epochs=3):
    opt = torch.optim.Adam(enc.parameters(), lr=2e-3)
    q_ids, q_pad = to_ids(HUMMED)
    d_ids, d_pad = to_ids([line for _, line in LYRIC_LINES])
    gold = torch.arange(len(HUMMED))
    for ep in range(epochs):
        scores = maxsim(enc(q_ids, q_pad), q_pad, enc(d_ids, d_pad), d_pad)
        loss = F.cross_entropy(scores, gold)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if ep % 10 == 0:
            print(f"step {ep} loss {loss.item():.4f}")


@torch.no_grad()
def build_token_index(enc):
    d_ids, d_pad = to_ids([line for _, line in LYRIC_LINES])
    lyric_tokens = enc(d_ids, d_pad)
    n_lines, n_pos, _ = lyric_tokens.shape
    flat = lyric_tokens.view(n_lines * n_pos, DIM)
    owner = torch.arange(n_lines).repeat_interleave(n_pos)
    real = ~d_pad.reshape(-1)
    return {"vecs": flat[real], "owner": owner[real], "tokens": lyric_tokens, "pad": d_pad}


@torch.no_grad()
def find_song(enc, index, hummed, per_token=4, k=3):
    q_ids, q_pad = to_ids([hummed])
    q_tok = enc(q_ids, q_pad)
    hits = (q_tok[0] @ index["vecs"].T).topk(per_token, dim=-1).indices
    cand = torch.unique(index["owner"][hits.flatten()])
    rescored = maxsim(q_tok, q_pad, index["tokens"][cand], index["pad"][cand])[0]
    top = rescored.topk(min(k, len(cand)))
    return [(LYRIC_LINES[cand[j]][0], round(s, 3)) for s, j in zip(top.values.tolist(), top.indices.tolist())]


def main():
    enc = TokenEncoder(len(words))
    train(enc)
    enc.eval()
    index = build_token_index(enc)
    print(f"token index: {index['vecs'].shape[0]} vectors")
    for title, score in find_song(enc, index, "rain dancing till morning"):
        print(f"{score:7.3f}  {title}")


if __name__ == "__main__":
    main()
