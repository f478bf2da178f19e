"""Least-confidence active learning + pseudo-labelling for support-ticket routing.

Tickets carry numeric ids from the helpdesk export. A tiny BERT classifier routes
them to a queue; each round the least confident pool tickets are sent to a
human triager, and tickets the model is very sure about get pseudo-routes.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

QUEUES = ["billing", "outage", "account", "shipping"]
KEYWORDS = {
    "billing": ["invoice", "charged", "twice", "refund", "card"],
    "outage": ["down", "error", "timeout", "server", "cannot"],
    "account": ["password", "login", "reset", "locked", "email"],
    "shipping": ["package", "tracking", "delivery", "late", "address"],
}
FILLER = ["please", "help", "my", "the", "is", "since", "today", "urgent", "hi", "thanks"]


def export_tickets(n, first_id=40100):
    texts, routes = {}, {}
    for k in range(n):
        tid = first_id + 3 * k
        q = random.choice(QUEUES)
        words = random.choices(KEYWORDS[q], k=3) + random.choices(FILLER, k=random.randint(2, 6))
        if random.random() < 0.3:
            words += random.choices(KEYWORDS[random.choice(QUEUES)], k=2)
        random.shuffle(words)
        texts[tid] = " ".join(words)
        routes[tid] = QUEUES.index(q)
    return texts, routes


def make_tokenizer(tmp):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    vocab += sorted({w for ws in KEYWORDS.values() for w in ws})
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def train_router(model, tok, ticket_text, routed, epochs=5, bs=8):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    items = list(routed.items())
    model.train()
    for _ in range(epochs):
        random.shuffle(items)
        for s in range(0, len(items), bs):
            chunk = items[s:s + bs]
            enc = tok([ticket_text[t] for t, _ in chunk], padding=True, return_tensors="pt")
            out = model(**enc, labels=torch.tensor([q for _, q in chunk]))
            opt.zero_grad()
            out.loss.backward()
            opt.step()
    return out.loss.item()


@torch.no_grad()
def route_probs(model, tok, ticket_text, pool_ids, bs=32):
    model.eval()
    probs = []
    for s in range(0, len(pool_ids), bs):
        enc = tok([ticket_text[t] for t in pool_ids[s:s + bs]], padding=True, return_tensors="pt")
        probs.append(model(**enc).logits.softmax(-1))
    return torch.cat(probs)


def ask_triager(ticket_ids, oracle_routes):
    return {tid: oracle_routes[tid] for tid in ticket_ids}


def main():
    tmp = tempfile.mkdtemp(prefix="triage_")
    tok = make_tokenizer(tmp)
    ticket_text, oracle_routes = export_tickets(120)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(QUEUES))
    model = BertForSequenceClassification(cfg)

    all_ids = list(ticket_text)
    random.shuffle(all_ids)
    human_routed = ask_triager(all_ids[:16], oracle_routes)
    pseudo_routed = {}
    pool_ids = all_ids[16:]
    per_round = 10

    for rnd in range(4):
        loss = train_router(model, tok, ticket_text, {**pseudo_routed, **human_routed})
        probs = route_probs(model, tok, ticket_text, pool_ids)
        top_p, top_q = probs.max(-1)

        order = torch.argsort(top_p)
        to_triage = order[:per_round].tolist()
        human_routed.update(ask_triager(to_triage, oracle_routes))

        for j in order[per_round:].tolist():
            if top_p[j] > 0.8:
                pseudo_routed[pool_ids[j]] = top_q[j].item()

        done = set(human_routed) | set(pseudo_routed)
        pool_ids = [t for t in pool_ids if t not in done]
        print(f"round {rnd}: loss={loss:.3f} human={len(human_routed)} "
              f"pseudo={len(pseudo_routed)} pool={len(pool_ids)}")


if __name__ == "__main__":
    main()
