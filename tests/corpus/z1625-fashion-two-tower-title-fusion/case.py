"""Two-tower retrieval for the fashion catalogue.

Item tower = product id embedding + a tiny BERT over the product title, so
new arrivals with few clicks still get a sensible vector. User tower = mean of
the last clicked product ids plus a segment embedding (women / men / kids).
Trained with in-batch sampled softmax on click pairs.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

HP = dict(id_dim=32, title_dim=32, tower_dim=64, n_segments=3, history=5, temperature=0.1)

WORDS = ("slim fit regular oversized denim linen cotton wool jacket shirt dress skirt jeans "
         "sneakers boots coat knit sweater striped floral black white navy beige midi mini "
         "high waist cropped relaxed leather suede hoodie chino trousers").split()
N_PRODUCTS = 120
N_USERS = 60


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def make_catalogue():
    return [" ".join(random.sample(WORDS, random.randint(3, 6))) for _ in range(N_PRODUCTS)]


def make_clicks(n=64):
    rows = []
    for _ in range(n):
        user = random.randrange(N_USERS)
        history = [random.randrange(N_PRODUCTS) for _ in range(HP["history"])]
        rows.append((user, user % HP["n_segments"], history, random.randrange(N_PRODUCTS)))
    return rows


title_cfg = BertConfig(
    vocab_size=5 + len(WORDS), hidden_size=48, num_hidden_layers=1, num_attention_heads=4,
    intermediate_size=96, max_position_embeddings=32, hidden_dropout_prob=0.0,
    attention_probs_dropout_prob=0.0,
)


class ItemTower(nn.Module):
    def __init__(self, n_products):
        super().__init__()
        self.product_emb = nn.Embedding(n_products, HP["id_dim"])
        self.title_encoder = BertModel(title_cfg, add_pooling_layer=False)
        self.fuse = nn.Sequential(
            nn.Linear(HP["id_dim"] + HP["title_dim"], HP["tower_dim"]),
            nn.GELU(),
            nn.Linear(HP["tower_dim"], HP["tower_dim"]),
        )

    def forward(self, product_ids, title_tokens, title_mask):
        out = self.title_encoder(input_ids=title_tokens, attention_mask=title_mask)
        title_vec = out.last_hidden_state[:, 0]
        both = torch.cat([self.product_emb(product_ids), title_vec], dim=-1)
        return F.normalize(self.fuse(both), dim=-1)


class UserTower(nn.Module):
    def __init__(self, n_products):
        super().__init__()
        self.click_emb = nn.EmbeddingBag(n_products, HP["id_dim"], mode="mean")
        self.segment_emb = nn.Embedding(HP["n_segments"], HP["id_dim"])
        self.mlp = nn.Sequential(nn.Linear(2 * HP["id_dim"], HP["tower_dim"]), nn.GELU(),
                                 nn.Linear(HP["tower_dim"], HP["tower_dim"]))

    def forward(self, history, segment):
        x = torch.cat([self.click_emb(history), self.segment_emb(segment)], dim=-1)
        return F.normalize(self.mlp(x), dim=-1)


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    titles = make_catalogue()
    enc = tokenizer(titles, padding=True, return_tensors="pt")
    all_title_tokens, all_title_mask = enc["input_ids"], enc["attention_mask"]

    clicks = make_clicks()
    items, users = ItemTower(N_PRODUCTS), UserTower(N_PRODUCTS)
    opt = torch.optim.Adam(list(items.parameters()) + list(users.parameters()), lr=2e-3)

    batch_size = 32
    for epoch in range(1):
        random.shuffle(clicks)
        total = 0.0
        for start in range(0, len(clicks), batch_size):
            chunk = clicks[start:start + batch_size]
            segment = torch.tensor([c[1] for c in chunk])
            history = torch.tensor([c[2] for c in chunk])
            clicked = torch.tensor([c[3] for c in chunk])

            u = users(history, segment)
            v = items(clicked, all_title_tokens[clicked], all_title_mask[clicked])
            logits = u @ v.T / HP["temperature"]
            loss = F.cross_entropy(logits, torch.arange(len(chunk)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: in-batch softmax loss {total / (len(clicks) // batch_size + 1):.3f}")

    with torch.no_grad():
        catalogue_vecs = items(torch.arange(N_PRODUCTS), all_title_tokens, all_title_mask)
        probe = users(torch.tensor([[3, 17, 42, 8, 99]]), torch.tensor([1]))
        top = (probe @ catalogue_vecs.T).topk(5).indices[0].tolist()
    print("recommended:", [titles[i] for i in top])


if __name__ == "__main__":
    main()
