"""Cloze-style next-basket-item model (BERT4Rec flavour) for the grocery app.

Sessions are sequences of SKUs added to cart. We map SKUs to contiguous ids,
reserve 0 for padding, randomly hide items with a [MASK] id and train a tiny
BERT encoder to recover them.
"""
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

random.seed(7)
torch.manual_seed(7)

MAX_SESSION_LEN = 12
MASK_PROB = 0.3
BATCH = 8

# ---- fake cart sessions pulled from the events table -------------------------
aisles = {
    "dairy": ["SKU-MILK-1L", "SKU-MILK-2L", "SKU-YOG-GRK", "SKU-BUTTER", "SKU-CHEDDAR"],
    "bakery": ["SKU-BAGUETTE", "SKU-SOURDOUGH", "SKU-CROISSANT", "SKU-RYE"],
    "produce": ["SKU-BANANA", "SKU-APPLE-GALA", "SKU-AVOCADO", "SKU-SPINACH", "SKU-TOMATO"],
    "pantry": ["SKU-PASTA", "SKU-RICE-BAS", "SKU-OLIVE-OIL", "SKU-CHICKPEA"],
}
catalog = [sku for skus in aisles.values() for sku in skus]

cart_sessions = []
for _ in range(64):
    home_aisle = random.choice(list(aisles))
    n = random.randint(4, MAX_SESSION_LEN)
    sess = [random.choice(aisles[home_aisle]) if random.random() < 0.7 else random.choice(catalog)
            for _ in range(n)]
    cart_sessions.append(sess)

# ---- id mapping ---------------------------------------------------------------
PAD_ID = 0
sku2id = {sku: i + 1 for i, sku in enumerate(sorted(catalog))}
n_skus = len(sku2id)
MASK_ID = n_skus + 1
print(f"{n_skus} SKUs, pad={PAD_ID}, mask={MASK_ID}")


def encode_session(sess):
    ids = [sku2id[s] for s in sess][-MAX_SESSION_LEN:]
    return ids + [PAD_ID] * (MAX_SESSION_LEN - len(ids))


def cloze_mask(cart_ids):
    """Hide random non-pad positions; targets are -100 where nothing is hidden."""
    corrupted = cart_ids.clone()
    targets = torch.full_like(cart_ids, -100)
    hide = (torch.rand(cart_ids.shape) < MASK_PROB) & (cart_ids != PAD_ID)
    # always hide the last real item so every row has a target
    last_pos = (cart_ids != PAD_ID).sum(dim=1) - 1
    hide[torch.arange(cart_ids.size(0)), last_pos] = True
    targets[hide] = cart_ids[hide]
    corrupted[hide] = MASK_ID
    return corrupted, targets


encoded = torch.tensor([encode_session(s) for s in cart_sessions], dtype=torch.long)


# ---- model ----------------------------------------------------------------------
class CartCloze(nn.Module):
    def __init__(self, item_vocab):
        super().__init__()
        cfg = BertConfig(
            vocab_size=item_vocab,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=MAX_SESSION_LEN,
            type_vocab_size=1,
            pad_token_id=PAD_ID,
        )
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, item_vocab)

    def forward(self, cart_ids):
        attn = (cart_ids != PAD_ID).long()
        h = self.encoder(input_ids=cart_ids, attention_mask=attn).last_hidden_state
        return self.head(h)


item_vocab = n_skus + 1
model = CartCloze(item_vocab)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

for epoch in range(3):
    perm = torch.randperm(encoded.size(0))
    running = 0.0
    for start in range(0, encoded.size(0), BATCH):
        batch = encoded[perm[start:start + BATCH]]
        cart_in, cart_targets = cloze_mask(batch)
        logits = model(cart_in)
        loss = loss_fn(logits.reshape(-1, item_vocab), cart_targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch}: loss {running / (encoded.size(0) // BATCH):.3f}")

# ---- quick sanity check: recommend the next item for one cart -----------------
model.eval()
probe = encoded[:1].clone()
probe_len = int((probe != PAD_ID).sum())
if probe_len < MAX_SESSION_LEN:
    probe[0, probe_len] = MASK_ID
    with torch.no_grad():
        scores = model(probe)[0, probe_len]
    scores[[PAD_ID, MASK_ID]] = float("-inf")
    id2sku = {v: k for k, v in sku2id.items()}
    top = scores.topk(3).indices.tolist()
    print("next-item suggestions:", [id2sku[i] for i in top])
