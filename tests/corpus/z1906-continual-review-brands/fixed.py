import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

BASE_WORDS = [
    "great", "terrible", "battery", "screen", "fresh", "stale", "taste", "price", "cheap", "expensive",
    "fast", "slow", "shipping", "broke", "works", "love", "hate", "return", "quality", "size",
    "fits", "small", "large", "soft", "rough", "color", "faded", "bright", "would", "buy", "again", "never",
]

# each stage of the stream brings a new product line, new brand names and new categories
STAGES = [
    {"brands": ["voltix", "pixelon"], "categories": ["phones", "laptops"]},
    {"brands": ["greenfarm", "crunchy"], "categories": ["snacks", "produce"]},
    {"brands": ["loomwear", "stitchco"], "categories": ["shirts", "shoes", "jackets"]},
]


def write_vocab(folder):
    path = os.path.join(folder, "reviews_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS) + "\n")
    return path


def make_reviews(stage, first_label, n=32):
    reviews = []
    for _ in range(n):
        local = random.randrange(len(stage["categories"]))
        words = random.sample(BASE_WORDS, 6) + [stage["brands"][local % len(stage["brands"])]]
        random.shuffle(words)
        reviews.append((" ".join(words), first_label + local))
    return reviews


class GrowingCategorizer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Linear(config.hidden_size, 0)

    def add_categories(self, n_new):
        old = self.head
        grown = nn.Linear(old.in_features, old.out_features + n_new)
        with torch.no_grad():
            grown.weight[: old.out_features] = old.weight
            grown.bias[: old.out_features] = old.bias
        self.head = grown

    def forward(self, token_ids, attn):
        hidden = self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state
        return self.head(hidden[:, 0])


workdir = tempfile.mkdtemp()
tokenizer = BertTokenizer(write_vocab(workdir))
brand_tokens = [brand for stage in STAGES for brand in stage["brands"]]
tokenizer.add_tokens(brand_tokens)
config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=32,
)
model = GrowingCategorizer(config)


def encode(batch):
    enc = tokenizer([text for text, _ in batch], padding=True, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], torch.tensor([y for _, y in batch])


replay_memory = []
n_seen_classes = 0
for stage_id, stage in enumerate(STAGES):
    model.add_categories(len(stage["categories"]))

    stream = make_reviews(stage, n_seen_classes)
    n_seen_classes += len(stage["categories"])
    mixed = stream + random.sample(replay_memory, min(len(replay_memory), 16))
    loader = DataLoader(mixed, batch_size=8, shuffle=True, collate_fn=encode)

    optim = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.train()
    for epoch in range(2):
        epoch_loss = 0.0
        for token_ids, attn, cats in loader:
            logits = model(token_ids, attn)
            loss = nn.functional.cross_entropy(logits, cats)
            optim.zero_grad()
            loss.backward()
            optim.step()
            epoch_loss += loss.item()
        print(f"stage {stage_id} epoch {epoch} loss {epoch_loss / len(loader):.3f}")

    replay_memory.extend(random.sample(stream, 8))

model.eval()
with torch.no_grad():
    token_ids, attn, cats = encode(replay_memory)
    acc = (model(token_ids, attn).argmax(-1) == cats).float().mean().item()
print(f"accuracy on replay memory over {n_seen_classes} categories: {acc:.3f}")
