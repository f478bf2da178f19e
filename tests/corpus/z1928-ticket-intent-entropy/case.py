import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

INTENTS = ["billing", "login", "shipping", "refund"]
PHRASES = {
    "billing": ["my invoice shows a double charge", "why was my card charged twice this month",
                "the billing amount is wrong", "invoice total does not match my plan"],
    "login": ["i cannot sign in", "password reset link does not work",
              "my account is locked after login attempts", "two factor code never arrives"],
    "shipping": ["my package has not arrived", "tracking number shows no update",
                 "the order was shipped to the wrong address", "delivery is late again"],
    "refund": ["i want my money back", "refund for the returned item is missing",
               "please cancel and refund my order", "how long does a refund take"],
}
EXTRA = ["please help", "thanks", "this is urgent", "asap", "again today", "for the third time"]

tickets, gold = [], []
for intent_id, intent in enumerate(INTENTS):
    for phrase in PHRASES[intent]:
        for _ in range(12):
            tail = " ".join(random.sample(EXTRA, random.randint(0, 3)))
            tickets.append((phrase + " " + tail).strip())
            gold.append(intent_id)

words = sorted({w for t in tickets for w in t.split()})
vocab_dir = tempfile.mkdtemp()
vocab_path = os.path.join(vocab_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)

cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                 num_labels=len(INTENTS))

ticket_tokens = [tokenizer.encode(t) for t in tickets]
ticket_lens = torch.tensor([len(toks) for toks in ticket_tokens])
longest_ticket = int(ticket_lens.max())


def collate(idx_list):
    rows = [ticket_tokens[i] for i in idx_list]
    width = max(len(r) for r in rows)
    tok = torch.full((len(rows), width), tokenizer.pad_token_id, dtype=torch.long)
    for r, row in enumerate(rows):
        tok[r, : len(row)] = torch.tensor(row)
    keep = (torch.arange(longest_ticket)[None, :] < ticket_lens[idx_list][:, None]).long()
    return tok, keep


def train_round(labeled_idx, targets, epochs=4, bs=16):
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(epochs):
        order = random.sample(labeled_idx, len(labeled_idx))
        for s in range(0, len(order), bs):
            chunk = order[s : s + bs]
            tok, keep = collate(chunk)
            y = torch.tensor([targets[i] for i in chunk])
            out = model(input_ids=tok, attention_mask=keep, labels=y)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
    return model


@torch.no_grad()
def pool_entropy(model, pool_idx, bs=32):
    model.eval()
    scores = []
    for s in range(0, len(pool_idx), bs):
        chunk = pool_idx[s : s + bs]
        tok, keep = collate(chunk)
        probs = F.softmax(model(input_ids=tok, attention_mask=keep).logits, dim=-1)
        scores.append(-(probs * probs.clamp_min(1e-9).log()).sum(-1))
    return torch.cat(scores)


all_idx = list(range(len(tickets)))
random.shuffle(all_idx)
labeled = all_idx[:16]
pool = all_idx[16:]
test_idx = pool[-40:]
pool = pool[:-40]

QUERY_SIZE = 12
for rnd in range(4):
    clf = train_round(labeled, gold)
    ent = pool_entropy(clf, pool)
    picked_pos = ent.topk(QUERY_SIZE).indices.tolist()
    picked = [pool[p] for p in picked_pos]
    labeled = labeled + picked
    pool = [i for i in pool if i not in set(picked)]

    with torch.no_grad():
        tok, keep = collate(test_idx)
        pred = clf(input_ids=tok, attention_mask=keep).logits.argmax(-1)
    acc = (pred == torch.tensor([gold[i] for i in test_idx])).float().mean().item()
    print(f"round {rnd}: labeled={len(labeled)} pool={len(pool)} "
          f"mean_entropy={ent.mean():.3f} test_acc={acc:.3f}")
