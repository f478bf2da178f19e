import os
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

CUISINES = ["italian", "mexican", "japanese", "indian"]
RECIPES = [
    ("pasta tomato basil garlic olive oil parmesan", "italian"),
    ("risotto rice parmesan butter white wine onion", "italian"),
    ("pizza dough tomato mozzarella basil", "italian"),
    ("tortilla beans avocado lime cilantro chili", "mexican"),
    ("corn tortilla pork chili onion lime", "mexican"),
    ("rice beans tomato cumin chili cilantro", "mexican"),
    ("rice nori salmon soy wasabi ginger", "japanese"),
    ("miso tofu seaweed onion dashi", "japanese"),
    ("noodles soy ginger egg onion dashi", "japanese"),
    ("chicken yogurt garam masala ginger garlic", "indian"),
    ("lentils cumin turmeric onion tomato ginger", "indian"),
    ("rice cardamom saffron yogurt chicken cumin", "indian"),
]


def make_tokenizer(workdir):
    words = sorted({w for text, _ in RECIPES for w in text.split()})
    path = os.path.join(workdir, "ingredients_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def load_frozen_encoder(vocab_size):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=64)
    encoder = BertModel(cfg, add_pooling_layer=False)
    encoder.requires_grad_(False)
    encoder.eval()
    return encoder.to(torch.bfloat16)


@torch.no_grad()
def embed_recipes(encoder, tokenizer, texts, batch_size=4):
    feats = []
    for i in range(0, len(texts), batch_size):
        enc = tokenizer(texts[i:i + batch_size], padding=True, return_tensors="pt")
        hidden = encoder(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        feats.append((hidden * mask).sum(1) / mask.sum(1))
    return torch.cat(feats).float()


class CuisineHead(nn.Module):
    def __init__(self, dim, n_classes, hidden=48, p_drop=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.LayerNorm(dim),
            nn.Linear(dim, hidden),
            nn.GELU(),
            nn.Dropout(p_drop),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, feats):
        return self.net(feats)


def train_head(head, loader, epochs=20, lr=5e-3):
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    for epoch in range(epochs):
        head.train()
        epoch_loss = 0.0
        for feats, cuisine in loader:
            logits = head(feats)
            loss = loss_fn(logits, cuisine)
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += loss.item() * feats.size(0)
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {epoch_loss / len(loader.dataset):.4f}")
    return head


def main():
    workdir = tempfile.mkdtemp()
    tokenizer = make_tokenizer(workdir)
    encoder = load_frozen_encoder(tokenizer.vocab_size)

    texts = [t for t, _ in RECIPES]
    cuisine_ids = torch.tensor([CUISINES.index(c) for _, c in RECIPES])
    recipe_vecs = embed_recipes(encoder, tokenizer, texts)
    print("cached features:", tuple(recipe_vecs.shape))

    loader = DataLoader(TensorDataset(recipe_vecs, cuisine_ids), batch_size=4, shuffle=True)
    head = CuisineHead(encoder.config.hidden_size, len(CUISINES))
    head = train_head(head, loader)

    head.eval()
    with torch.no_grad():
        guess = head(recipe_vecs).argmax(-1)
    print("train accuracy:", (guess == cuisine_ids).float().mean().item())
    query = ["salmon rice soy ginger", "beans chili lime tortilla"]
    q_vecs = embed_recipes(encoder, tokenizer, query)
    with torch.no_grad():
        for text, idx in zip(query, head(q_vecs).argmax(-1).tolist()):
            print(f"{text!r} -> {CUISINES[idx]}")


if __name__ == "__main__":
    main()
