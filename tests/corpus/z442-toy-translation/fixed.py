# %% [markdown]
# Toy English -> German translation with nn.Transformer

# %%
import math
import torch
import torch.nn as nn

torch.manual_seed(42)
device = "cpu"

pairs = [
    ("the cat sleeps", "die katze schläft"),
    ("the dog runs", "der hund läuft"),
    ("i drink water", "ich trinke wasser"),
    ("the house is big", "das haus ist groß"),
    ("we eat bread every day", "wir essen jeden tag brot"),
    ("the child reads a book", "das kind liest ein buch"),
    ("i see the dog", "ich sehe den hund"),
    ("the water is cold", "das wasser ist kalt"),
]

# %%
SPECIALS = ["<pad>", "<bos>", "<eos>"]
PAD_IDX, BOS_IDX, EOS_IDX = 0, 1, 2
src_vocab = {w: i for i, w in enumerate(SPECIALS + sorted({w for s, _ in pairs for w in s.split()}))}
tgt_vocab = {w: i for i, w in enumerate(SPECIALS + sorted({w for _, t in pairs for w in t.split()}))}
print(len(src_vocab), len(tgt_vocab))

def numericalize(sentence, vocab):
    return [BOS_IDX] + [vocab[w] for w in sentence.split()] + [EOS_IDX]

src_seqs = [numericalize(s, src_vocab) for s, _ in pairs]
tgt_seqs = [numericalize(t, tgt_vocab) for _, t in pairs]

# %%
def pad_batch(seqs):
    L = max(len(s) for s in seqs)
    ids = torch.tensor([s + [PAD_IDX] * (L - len(s)) for s in seqs])
    pad_mask = torch.tensor([[False] * len(s) + [True] * (L - len(s)) for s in seqs])
    return ids, pad_mask

src, src_pad_mask = pad_batch(src_seqs)
tgt, tgt_pad_mask = pad_batch(tgt_seqs)
tgt_in, tgt_out = tgt[:, :-1], tgt[:, 1:]
tgt_in_pad_mask = tgt_pad_mask[:, :-1]
src.shape, tgt_in.shape

# %%
class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=64):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]

class Seq2Seq(nn.Module):
    def __init__(self, n_src, n_tgt, d_model=32):
        super().__init__()
        self.src_emb = nn.Embedding(n_src, d_model, padding_idx=PAD_IDX)
        self.tgt_emb = nn.Embedding(n_tgt, d_model, padding_idx=PAD_IDX)
        self.pos = PositionalEncoding(d_model)
        self.transformer = nn.Transformer(d_model, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
                                          dim_feedforward=64, dropout=0.1, batch_first=True)
        self.proj = nn.Linear(d_model, n_tgt)

    def forward(self, src, tgt, src_pad, tgt_pad):
        causal = self.transformer.generate_square_subsequent_mask(tgt.size(1)).bool()
        h = self.transformer(self.pos(self.src_emb(src)), self.pos(self.tgt_emb(tgt)),
                             tgt_mask=causal,
                             src_key_padding_mask=src_pad,
                             tgt_key_padding_mask=tgt_pad,
                             memory_key_padding_mask=src_pad)
        return self.proj(h)

# %%
model = Seq2Seq(len(src_vocab), len(tgt_vocab)).to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_IDX)

for epoch in range(12):
    model.train()
    logits = model(src, tgt_in, src_pad_mask, tgt_in_pad_mask)
    loss = loss_fn(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 4 == 0:
        print(f"epoch {epoch:2d}  loss {loss.item():.3f}")
