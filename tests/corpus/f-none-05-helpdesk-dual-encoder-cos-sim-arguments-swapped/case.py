"""Fine-tune a tiny dual encoder that routes helpdesk questions to category descriptions."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
import torch.nn.functional as F
from sentence_transformers import util
from transformers import BertConfig, BertModel, BertTokenizerFast

CATEGORIES = {
    "billing": "questions about invoices payments and refunds",
    "account": "login password and profile settings",
    "shipping": "delivery status parcels and tracking numbers",
    "returns": "sending items back and exchanging products",
}
QUESTIONS = [
    ("why was i charged twice on my invoice", "billing"), ("i forgot my password", "account"),
    ("where is my parcel", "shipping"), ("how do i send the shoes back", "returns"),
    ("can i get a refund for the late payment fee", "billing"), ("change the email on my profile", "account"),
    ("the tracking number does not work", "shipping"), ("exchange a shirt for a bigger size", "returns"),
    ("my payment failed at checkout", "billing"), ("i cannot login to my account", "account"),
    ("delivery is three days late", "shipping"), ("return label for my order", "returns"),
]
SCALE = 20.0
QUERIES_PER_STEP = 6

torch.manual_seed(0)
names = list(CATEGORIES)
words = sorted({w for t in list(CATEGORIES.values()) + [q for q, _ in QUESTIONS] for w in t.split()})
vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizerFast(vocab_path)
encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=48, num_hidden_layers=2,
                               num_attention_heads=4, intermediate_size=96, max_position_embeddings=32))


def embed(texts):
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    states = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    return (states * mask).sum(1) / mask.sum(1)


optimizer = torch.optim.AdamW(encoder.parameters(), lr=5e-4)
encoder.train()
for epoch in range(2):
    for start in range(0, len(QUESTIONS), QUERIES_PER_STEP):
        chunk = QUESTIONS[start:start + QUERIES_PER_STEP]
        query_emb = embed([q for q, _ in chunk])
        category_emb = embed([CATEGORIES[n] for n in names])
        targets = torch.tensor([names.index(c) for _, c in chunk])
        scores = util.cos_sim(category_emb, query_emb) * SCALE
        loss = F.cross_entropy(scores, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

encoder.eval()
with torch.no_grad():
    best = util.cos_sim(embed(["my parcel has not arrived"]), embed(list(CATEGORIES.values()))).argmax(-1)
print("routed to:", names[best.item()])
