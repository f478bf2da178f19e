import os
import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

rng = np.random.default_rng(11)
torch.manual_seed(11)

script_dir = os.path.dirname(os.path.abspath(__file__))
vocab_file = os.path.join(script_dir, "bert_vocab.txt")

base_vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
content = ("how many what color which animal lives in the forest lake has sat on mat dog cat fox owl "
           "red blue green brown three four five seven small large near old house garden tree "
           "a is are was there and with its").split()
with open(vocab_file, "w") as f:
    f.write("\n".join(base_vocab + content))

tok = BertTokenizer(vocab_file)

SEQ_LEN = 32
animals = ["dog", "cat", "fox", "owl"]
colors = ["red", "blue", "green", "brown"]
places = ["forest", "lake", "house", "garden"]


def generate(n):
    rows = []
    for _ in range(n):
        a, c, p = rng.choice(animals), rng.choice(colors), rng.choice(places)
        noise = " ".join(rng.choice(["there", "is", "a", "old", "tree", "near", "small", "large"],
                                    size=rng.integers(3, 10)))
        ctx = f"{noise} a {c} {a} lives in the {p} near the old tree"
        if rng.random() < 0.5:
            q, ans = f"what color is the {a}", c
        else:
            q, ans = f"which animal lives in the {p}", a
        rows.append((q, ctx, ans))
    return rows


def encode(rows):
    n = len(rows)
    ids = np.zeros((n, SEQ_LEN), dtype=np.int64)
    segs = np.zeros((n, SEQ_LEN), dtype=np.int64)
    attn = np.zeros((n, SEQ_LEN), dtype=np.int64)
    spans = np.zeros((n, 2), dtype=np.int64)
    for r, (q, ctx, ans) in enumerate(rows):
        enc = tok(q, ctx, max_length=SEQ_LEN, truncation="only_second", padding="max_length")
        ids[r] = enc["input_ids"]
        segs[r] = enc["token_type_ids"]
        attn[r] = enc["attention_mask"]
        toks = tok.convert_ids_to_tokens(enc["input_ids"])
        sep = toks.index("[SEP]")
        hits = [i for i, t in enumerate(toks) if t == ans and i > sep]
        if hits:
            spans[r] = (hits[0], hits[0])
    return (torch.from_numpy(ids), torch.from_numpy(segs), torch.from_numpy(attn),
            torch.from_numpy(spans[:, 0]), torch.from_numpy(spans[:, 1]))


class SpanScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.start_head = nn.Linear(config.hidden_size, 1)
        self.end_head = nn.Linear(config.hidden_size, 1)

    def forward(self, ids, segs, attn):
        hidden = self.encoder(input_ids=ids, token_type_ids=segs, attention_mask=attn).last_hidden_state
        pad = (1 - attn) * -1e4
        return self.start_head(hidden).squeeze(-1) + pad, self.end_head(hidden).squeeze(-1) + pad


def nll_at(logits, positions):
    logp = torch.log_softmax(logits, dim=-1)
    return -logp.gather(1, positions.unsqueeze(1)).mean()


config = BertConfig(vocab_size=len(tok.vocab), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=SEQ_LEN)
scorer = SpanScorer(config)
optimizer = torch.optim.AdamW(scorer.parameters(), lr=1e-3, weight_decay=0.01)

train_set = TensorDataset(*encode(generate(64)))
valid_rows = generate(8)
valid_set = TensorDataset(*encode(valid_rows))

for epoch in range(3):
    scorer.train()
    running = []
    for ids, segs, attn, s_pos, e_pos in DataLoader(train_set, batch_size=16, shuffle=True):
        s_logits, e_logits = scorer(ids, segs, attn)
        loss = 0.5 * (nll_at(s_logits, s_pos) + nll_at(e_logits, e_pos))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running.append(loss.item())
    print(f"epoch {epoch} mean loss {np.mean(running):.4f}")

scorer.eval()
correct = 0
with torch.no_grad():
    for (ids, segs, attn, s_pos, e_pos), (q, ctx, ans) in zip(DataLoader(valid_set, batch_size=1), valid_rows):
        s_logits, e_logits = scorer(ids, segs, attn)
        scores = s_logits[0][:, None] + e_logits[0][None, :]
        band = torch.ones(SEQ_LEN, SEQ_LEN).triu().tril(3).bool()
        scores = scores.masked_fill(~band, -1e9)
        s, e = divmod(int(scores.argmax()), SEQ_LEN)
        pred = tok.decode(ids[0, s:e + 1])
        correct += int(pred == ans)
print(f"exact match {correct}/{len(valid_rows)}")
