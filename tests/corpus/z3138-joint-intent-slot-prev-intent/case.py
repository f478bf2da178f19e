import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

INTENTS = ["greet", "book_flight", "check_status", "cancel", "thank", "goodbye"]
SLOT_TAGS = ["O", "B-city", "I-city", "B-date", "B-airline", "B-flight_no"]
LEXICON = {
    "B-city": ["boston", "denver", "paris", "tokyo"],
    "B-date": ["monday", "tomorrow", "friday"],
    "B-airline": ["delta", "lufthansa", "united"],
    "B-flight_no": ["ua12", "dl405", "lh9"],
}
OTHER = "i want a flight to from on please my is what the of status cancel hi thanks bye".split()
MAX_LEN = 16


def gen_session(n_turns):
    prev = "<start>"
    session = []
    for _ in range(n_turns):
        intent = random.choice(INTENTS)
        toks, tags = [], []
        for _ in range(random.randint(3, 10)):
            if random.random() < 0.25:
                tag = random.choice(list(LEXICON))
                toks.append(random.choice(LEXICON[tag]))
                tags.append(tag)
            else:
                toks.append(random.choice(OTHER))
                tags.append("O")
        session.append({"tokens": toks, "tags": tags, "intent": intent, "prev_intent": prev})
        prev = intent
    return session


def build_vocab(turns, min_count=1):
    counts = Counter(t for turn in turns for t in turn["tokens"])
    itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(itos)}


def vectorise(turns, vocab):
    n = len(turns)
    ids = np.zeros((n, MAX_LEN), dtype=np.int64)
    tags = np.full((n, MAX_LEN), -100, dtype=np.int64)
    intents = np.array([INTENTS.index(t["intent"]) for t in turns])
    prev_intent_ids = np.zeros(n)
    prev_vocab = ["<start>"] + INTENTS
    for i, turn in enumerate(turns):
        toks = turn["tokens"][:MAX_LEN]
        ids[i, : len(toks)] = [vocab.get(w, 1) for w in toks]
        tags[i, : len(toks)] = [SLOT_TAGS.index(t) for t in turn["tags"][:MAX_LEN]]
        prev_intent_ids[i] = prev_vocab.index(turn["prev_intent"])
    return (torch.from_numpy(ids), torch.from_numpy(prev_intent_ids),
            torch.from_numpy(intents), torch.from_numpy(tags))


class JointIntentSlotTagger(nn.Module):
    def __init__(self, vocab_size, n_intents, n_tags, emb=48, hidden=64, ctx_dim=16):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.prev_intent_emb = nn.Embedding(n_intents + 1, ctx_dim)
        self.rnn = nn.GRU(emb + ctx_dim, hidden, batch_first=True, bidirectional=True)
        self.intent_head = nn.Linear(2 * hidden, n_intents)
        self.slot_head = nn.Linear(2 * hidden, n_tags)

    def forward(self, ids, prev_intent):
        x = self.tok_emb(ids)
        ctx = self.prev_intent_emb(prev_intent).unsqueeze(1).expand(-1, ids.size(1), -1)
        h, _ = self.rnn(torch.cat([x, ctx], dim=-1))
        mask = (ids != 0).unsqueeze(-1).float()
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.intent_head(pooled), self.slot_head(h)


def run_epoch(model, loader, opt, train=True):
    model.train(train)
    intent_loss = nn.CrossEntropyLoss()
    slot_loss = nn.CrossEntropyLoss(ignore_index=-100)
    hits, seen, tot = 0, 0, 0.0
    for ids, prev, intent, tags in loader:
        with torch.set_grad_enabled(train):
            i_logits, s_logits = model(ids, prev)
            loss = intent_loss(i_logits, intent) + slot_loss(
                s_logits.reshape(-1, s_logits.size(-1)), tags.reshape(-1))
        if train:
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        hits += (i_logits.argmax(-1) == intent).sum().item()
        seen += intent.numel()
        tot += loss.item() * intent.numel()
    return tot / seen, hits / seen


def main():
    sessions = [gen_session(random.randint(2, 6)) for _ in range(60)]
    turns = [t for s in sessions for t in s]
    split = int(0.8 * len(turns))
    train_turns, dev_turns = turns[:split], turns[split:]
    vocab = build_vocab(train_turns)

    train_ds = TensorDataset(*vectorise(train_turns, vocab))
    dev_ds = TensorDataset(*vectorise(dev_turns, vocab))
    train_dl = DataLoader(train_ds, batch_size=16, shuffle=True)
    dev_dl = DataLoader(dev_ds, batch_size=32)

    model = JointIntentSlotTagger(len(vocab), len(INTENTS), len(SLOT_TAGS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        tr_loss, tr_acc = run_epoch(model, train_dl, opt, train=True)
        dv_loss, dv_acc = run_epoch(model, dev_dl, opt, train=False)
        print(f"epoch {epoch}: train {tr_loss:.3f}/{tr_acc:.2f}  dev {dv_loss:.3f}/{dv_acc:.2f}")


if __name__ == "__main__":
    main()
