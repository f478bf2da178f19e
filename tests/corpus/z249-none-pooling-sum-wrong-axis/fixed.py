import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

TICKETS = [
    ("my invoice shows a double charge for march", "billing"),
    ("refund has not arrived after two weeks", "billing"),
    ("card was declined but money left my account", "billing"),
    ("please update the billing address on my plan", "billing"),
    ("why was i charged a late fee", "billing"),
    ("the app crashes when i open settings", "technical"),
    ("login page keeps spinning forever", "technical"),
    ("cannot upload files larger than ten megabytes", "technical"),
    ("sync stopped working on my phone", "technical"),
    ("error code five hundred on the dashboard", "technical"),
    ("i want to change the email on my account", "account"),
    ("how do i delete my profile", "account"),
    ("please reset my two factor device", "account"),
    ("add a second user to my team account", "account"),
    ("transfer ownership of the workspace to my colleague", "account"),
]
QUEUES = ["billing", "technical", "account"]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path, len(tokens)


def masked_mean(hidden, attn):
    weights = attn.unsqueeze(-1).type_as(hidden)
    summed = (hidden * weights).sum(dim=1)
    counts = weights.sum(dim=1).clamp(min=1e-6)
    return summed / counts


class TicketRouter(nn.Module):
    def __init__(self, vocab_size, n_queues):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_queues)

    def forward(self, ids, attn):
        states = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        sentence = masked_mean(states, attn)
        return self.head(self.dropout(sentence))


def batches(rows, tok, size):
    order = list(range(len(rows)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [rows[i] for i in order[start:start + size]]
        enc = tok([t for t, _ in chunk], padding=True, return_tensors="pt")
        target = torch.tensor([QUEUES.index(q) for _, q in chunk])
        yield enc["input_ids"], enc["attention_mask"], target


def main():
    workdir = tempfile.mkdtemp()
    vocab_path, vocab_size = write_vocab([t for t, _ in TICKETS], workdir)
    tok = BertTokenizer(vocab_path)
    router = TicketRouter(vocab_size, len(QUEUES))
    opt = torch.optim.AdamW(router.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        router.train()
        running = 0.0
        for ids, attn, target in batches(TICKETS, tok, 4):
            logits = router(ids, attn)
            loss = loss_fn(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.3f}")

    router.eval()
    with torch.no_grad():
        enc = tok(["refund for the double charge please"], return_tensors="pt")
        pred = router(enc["input_ids"], enc["attention_mask"]).argmax(-1).item()
    print("routed to", QUEUES[pred])


if __name__ == "__main__":
    main()
