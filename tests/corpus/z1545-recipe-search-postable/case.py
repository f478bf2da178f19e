"""Tiny dual encoder for recipe search: a cook types what they want, we rank
recipe cards (title + ingredients + method) by cosine similarity."""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

RECIPES = [
    {"title": "lemon garlic roast chicken",
     "ingredients": ["chicken", "lemon", "garlic", "thyme", "olive oil", "salt"],
     "method": "rub the chicken with oil salt and thyme stuff the cavity with lemon and garlic and roast for an hour"},
    {"title": "weeknight tomato pasta",
     "ingredients": ["spaghetti", "canned tomatoes", "garlic", "basil", "parmesan"],
     "method": "simmer tomatoes with garlic while the pasta cooks then toss together with basil and cheese"},
    {"title": "overnight oats",
     "ingredients": ["oats", "milk", "yogurt", "honey", "berries"],
     "method": "stir everything together in a jar and leave it in the fridge overnight"},
    {"title": "slow cooker beef and vegetable stew",
     "ingredients": ["beef chuck", "carrots", "potatoes", "onion", "celery", "beef stock",
                     "tomato paste", "bay leaves", "flour", "salt", "pepper"],
     "method": "toss the beef in flour and brown it in batches then soften the onion celery and carrots "
               "stir in the tomato paste and stock add the potatoes and bay leaves and cook on low for "
               "eight hours until the beef falls apart season well with salt and pepper before serving"},
    {"title": "crispy chickpea salad",
     "ingredients": ["chickpeas", "cucumber", "red onion", "feta", "lemon", "olive oil"],
     "method": "roast the chickpeas until crisp and toss with chopped cucumber onion feta and a lemon dressing"},
    {"title": "banana pancakes",
     "ingredients": ["banana", "eggs", "flour", "baking powder", "milk"],
     "method": "mash the banana whisk in eggs milk and flour and fry small pancakes in a hot pan"},
]
QUERIES = ["easy roast chicken dinner", "quick pasta with tomatoes", "make ahead breakfast oats",
           "hearty beef stew for winter", "healthy salad with chickpeas", "fluffy pancakes with banana"]

MAX_POSITIONS = 48
DIM = 32


def recipe_card(r):
    return f"{r['title']} ingredients {' '.join(r['ingredients'])} method {r['method']}"


def words(text):
    return re.findall(r"[a-z]+", text.lower())


class WordVocab:
    def __init__(self, texts):
        self.itos = ["<pad>", "<unk>"] + sorted({w for t in texts for w in words(t)})
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode_batch(self, texts, max_len=None):
        seqs = [[self.stoi.get(w, 1) for w in words(t)] for t in texts]
        if max_len is not None:
            seqs = [s[:max_len] for s in seqs]
        width = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), width, dtype=torch.long)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = torch.tensor(s)
        return ids


class TextTower(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, DIM, padding_idx=0)
        self.pos = nn.Embedding(MAX_POSITIONS, DIM)
        layer = nn.TransformerEncoderLayer(DIM, nhead=4, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1)

    def forward(self, ids):
        pad = ids.eq(0)
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        x = self.tok(ids) + self.pos(positions)
        x = self.enc(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return F.normalize((x * keep).sum(1) / keep.sum(1), dim=-1)


def info_nce(q, d, tau=0.1):
    sim = q @ d.T / tau
    labels = torch.arange(q.size(0))
    return (F.cross_entropy(sim, labels) + F.cross_entropy(sim.T, labels)) / 2


def main():
    cards = [recipe_card(r) for r in RECIPES]
    vocab = WordVocab(cards + QUERIES)
    query_tower = TextTower(len(vocab.itos))
    recipe_tower = TextTower(len(vocab.itos))
    params = list(query_tower.parameters()) + list(recipe_tower.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)

    query_ids = vocab.encode_batch(QUERIES, max_len=MAX_POSITIONS)
    card_ids = vocab.encode_batch(cards)
    print("query batch", tuple(query_ids.shape), "card batch", tuple(card_ids.shape))

    for step in range(4):
        loss = info_nce(query_tower(query_ids), recipe_tower(card_ids))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    query_tower.eval()
    recipe_tower.eval()
    with torch.no_grad():
        index = recipe_tower(card_ids)
        probe = query_tower(vocab.encode_batch(["something warm with beef"], max_len=MAX_POSITIONS))
        scores, hits = (probe @ index.T).topk(3, dim=-1)
    for s, h in zip(scores[0].tolist(), hits[0].tolist()):
        print(f"{s:.3f}  {RECIPES[h]['title']}")


if __name__ == "__main__":
    main()
