"""Few-shot intent detection with a prototypical network over a tiny BERT encoder (episodic training)."""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizerFast

torch.manual_seed(0)
random.seed(0)
N_SHOT = 2
INTENTS = {
    "book_flight": ["book a flight to rome", "i need a plane ticket", "fly me to oslo on friday",
                    "reserve a seat to paris"],
    "weather": ["will it rain tomorrow", "how hot is it today", "is it sunny in madrid", "weather for the weekend"],
    "play_music": ["play some jazz", "put on my workout playlist", "next song please", "play the new album"],
}


def make_encoder():
    words = sorted({w for examples in INTENTS.values() for e in examples for w in e.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(path)
    bert = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64, max_position_embeddings=32))
    return tokenizer, bert


def embed(tokenizer, bert, texts):
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    states = bert(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    return (states * mask).sum(1) / mask.sum(1)


def sample_episode():
    support, query, query_labels = [], [], []
    for label, examples in enumerate(INTENTS.values()):
        picked = random.sample(examples, len(examples))
        support += picked[:N_SHOT]
        query += picked[N_SHOT:]
        query_labels += [label] * (len(examples) - N_SHOT)
    return support, query, torch.tensor(query_labels)


tokenizer, bert = make_encoder()
optimizer = torch.optim.AdamW(bert.parameters(), lr=5e-4)
for episode in range(5):
    support, query, query_labels = sample_episode()
    support_emb = embed(tokenizer, bert, support)
    query_emb = embed(tokenizer, bert, query)
    prototypes = support_emb.view(len(INTENTS), N_SHOT, -1).mean(dim=1)
    logits = -torch.cdist(query_emb, prototypes)
    loss = F.cross_entropy(logits, query_labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    accuracy = (logits.argmax(-1) == query_labels).float().mean()
    print(f"episode {episode}: loss {loss.item():.3f} acc {accuracy:.2f}")
