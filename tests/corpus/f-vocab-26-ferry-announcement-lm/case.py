import random
from collections import Counter

import torch
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(0)
torch.manual_seed(0)

SPECIALS = ["<pad>", "<unk>", "<bos>", "<eos>"]
MAX_WORDS = 40
SEQ_LEN = 16

PORTS = ["harbour", "island", "quay", "pier", "marina", "bay", "cove", "point", "landing", "wharf"]
VERBS = ["departing", "arriving", "delayed", "boarding", "cancelled", "docking", "leaving", "waiting"]
EXTRA = ["passengers", "vehicles", "cyclists", "please", "proceed", "to", "the", "gate", "deck", "lounge",
         "now", "at", "from", "for", "service", "ferry", "north", "south", "east", "west", "minutes",
         "ten", "twenty", "thirty", "lane", "one", "two", "three", "tickets", "ready"]


def make_announcement():
    words = ["the", "ferry", random.choice(["from", "to"]), random.choice(PORTS), "is",
             random.choice(VERBS)]
    words += random.sample(EXTRA, 6)
    return " ".join(words)


def build_vocab(texts, max_words):
    counts = Counter(w for t in texts for w in t.split())
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for word, _ in counts.most_common(max_words):
        vocab[word] = len(vocab)
    return vocab


def encode(text, vocab):
    ids = [vocab["<bos>"]] + [vocab.get(w, vocab["<unk>"]) for w in text.split()] + [vocab["<eos>"]]
    ids = ids[:SEQ_LEN]
    return ids + [vocab["<pad>"]] * (SEQ_LEN - len(ids))


announcements = [make_announcement() for _ in range(160)]
vocab = build_vocab(announcements, MAX_WORDS)
input_ids = torch.tensor([encode(t, vocab) for t in announcements])
attention_mask = (input_ids != vocab["<pad>"]).long()
labels = input_ids.masked_fill(attention_mask == 0, -100)

config = GPT2Config(vocab_size=MAX_WORDS, n_positions=SEQ_LEN, n_embd=32, n_layer=1, n_head=2,
                    bos_token_id=vocab["<bos>"], eos_token_id=vocab["<eos>"], pad_token_id=vocab["<pad>"])
model = GPT2LMHeadModel(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)

model.train()
for epoch in range(2):
    order = torch.randperm(len(input_ids))
    total = 0.0
    for start in range(0, len(order), 16):
        idx = order[start:start + 16]
        out = model(input_ids=input_ids[idx], attention_mask=attention_mask[idx], labels=labels[idx])
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        total += out.loss.item()
    print(f"epoch {epoch}: loss {total / (len(order) // 16):.3f}")

model.eval()
prompt = torch.tensor([encode("the ferry to island is", vocab)[:6]])
with torch.no_grad():
    generated = model.generate(prompt, max_new_tokens=6, do_sample=False, pad_token_id=vocab["<pad>"])
inv = {i: w for w, i in vocab.items()}
print(" ".join(inv.get(i, "<unk>") for i in generated[0].tolist()))
