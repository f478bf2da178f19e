"""Late-interaction (MaxSim) matcher: IT support tickets -> knowledge-base articles."""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
torch.manual_seed(21)

TOPICS = {
    "vpn": ["vpn", "tunnel", "disconnect", "client", "remote"],
    "printer": ["printer", "toner", "jam", "queue", "spooler"],
    "email": ["outlook", "mailbox", "quota", "attachment", "calendar"],
    "password": ["password", "reset", "locked", "account", "expired"],
    "laptop": ["battery", "screen", "docking", "charger", "keyboard"],
}
COMMON = ["my", "the", "is", "not", "working", "again", "since", "monday", "please", "help",
          "how", "to", "fix", "guide", "steps", "for", "issue", "error"]

workdir = tempfile.mkdtemp(prefix="kb_match_")
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + COMMON
    words += sorted({w for ws in TOPICS.values() for w in ws})
    fh.write("\n".join(words) + "\n")

tokenizer = BertTokenizer(vocab_path)
encoder = BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                               num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))


def ticket_text(topic):
    return " ".join(random.sample(COMMON[:10], 4) + random.sample(TOPICS[topic], 2))


def article_text(topic):
    return " ".join(random.sample(COMMON[10:], 4) + random.sample(TOPICS[topic], 4))


def make_pairs(n):
    pairs = []
    for _ in range(n):
        t = random.choice(list(TOPICS))
        if random.random() < 0.5:
            pairs.append((ticket_text(t), article_text(t), 1.0))
        else:
            other = random.choice([k for k in TOPICS if k != t])
            pairs.append((ticket_text(t), article_text(other), 0.0))
    return pairs


def encode(texts):
    batch = tokenizer(texts, padding=True, truncation=True, max_length=48, return_tensors="pt")
    states = encoder(**batch).last_hidden_state
    return F.normalize(states, dim=-1), batch["attention_mask"]


def maxsim_score(tickets, articles):
    q_states, q_mask = encode(tickets)
    d_states, d_mask = encode(articles)
    sim = q_states @ d_states.transpose(1, 2)
    sim = sim.masked_fill(d_mask[:, None, :] == 0, -1e4)
    best = sim.max(dim=-1).values
    return (best * q_mask).sum(dim=1) / q_mask.sum(dim=1)


scale = torch.nn.Parameter(torch.tensor(5.0))
bias = torch.nn.Parameter(torch.tensor(-2.5))
optim = torch.optim.AdamW(list(encoder.parameters()) + [scale, bias], lr=1e-3)
train_pairs = make_pairs(96)
batch_size = 6

for epoch in range(2):
    random.shuffle(train_pairs)
    epoch_loss = 0.0
    for start in range(0, len(train_pairs), batch_size):
        chunk = train_pairs[start:start + batch_size]
        tickets, articles, labels = zip(*chunk)
        scores = maxsim_score(list(tickets), list(articles))
        loss = F.binary_cross_entropy_with_logits(scale * scores + bias, torch.tensor(labels))
        optim.zero_grad()
        loss.backward()
        optim.step()
        epoch_loss += loss.item() * len(chunk)
    print(f"epoch {epoch}: bce {epoch_loss / len(train_pairs):.4f}")

with torch.no_grad():
    probe = ticket_text("vpn")
    kb = [article_text(t) for t in TOPICS]
    ranking = maxsim_score([probe] * len(kb), kb)
    print(probe, "->", list(TOPICS)[ranking.argmax().item()])
