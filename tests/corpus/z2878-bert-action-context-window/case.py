import os
import random
from collections import Counter, deque

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 3
ACTIONS = [
    "idle", "up", "down", "left", "right", "jump", "crouch",
    "jab", "slam", "block", "dash", "item",
]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_POS = 64
CONTEXT_ACTIONS = 64
HIDDEN = 32
N_EPISODES = 24
MIN_EP_LEN, MAX_EP_LEN = 50, 160
REPLAY_MAXLEN = 4096
BATCH_SIZE = 24
STEPS = 40
LR = 5e-4

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "action_vocab.txt")


def write_vocab():
    with open(VOCAB_PATH, "w") as f:
        f.write("\n".join(SPECIAL + ACTIONS) + "\n")


def rollout_scripted_player(rng, length):
    """A toy combo-heavy player: follows a Markov chain over actions."""
    n = len(ACTIONS)
    trans = rng.dirichlet(np.full(n, 0.4), size=n)
    a = int(rng.integers(n))
    seq = []
    for _ in range(length):
        seq.append(a)
        a = int(rng.choice(n, p=trans[a]))
    return np.array(seq, dtype=np.int64)


def make_episodes(rng):
    eps = []
    for i in range(N_EPISODES):
        length = int(rng.integers(MIN_EP_LEN, MAX_EP_LEN))
        acts = rollout_scripted_player(rng, length)
        eps.append({"episode": i, "actions": acts, "won": bool(rng.random() < 0.5)})
    return eps


def context_windows(ep):
    acts = ep["actions"]
    for t in range(1, len(acts)):
        ctx = acts[max(0, t - CONTEXT_ACTIONS):t]
        yield " ".join(ACTIONS[a] for a in ctx), int(acts[t])


def batches(buffer, tokenizer, batch_size):
    while True:
        sample = random.sample(buffer, batch_size)
        texts, labels = zip(*sample)
        enc = tokenizer(list(texts), padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        yield enc


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    write_vocab()
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)

    episodes = make_episodes(rng)
    winners = [ep for ep in episodes if ep["won"]]
    counts = Counter(a for ep in winners for a in ep["actions"].tolist())
    print("action freq (winners):", {ACTIONS[k]: v for k, v in counts.most_common(4)})

    replay = deque(maxlen=REPLAY_MAXLEN)
    for ep in winners:
        replay.extend(context_windows(ep))
    print(f"{len(winners)} winning episodes -> {len(replay)} (context, next_action) pairs")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=HIDDEN,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POS,
        num_labels=len(ACTIONS),
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=LR)

    model.train()
    stream = batches(replay, tokenizer, BATCH_SIZE)
    for step in range(STEPS):
        batch = next(stream)
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if step % 10 == 0:
            acc = (out.logits.argmax(-1) == batch["labels"]).float().mean().item()
            print(f"step {step:02d} loss {out.loss.item():.3f} acc {acc:.2f}")

    model.eval()
    probe = "jab jab dash"
    with torch.no_grad():
        logits = model(**tokenizer(probe, return_tensors="pt")).logits
    print("after", probe, "->", ACTIONS[int(logits.argmax(-1))])
    os.remove(VOCAB_PATH)


if __name__ == "__main__":
    main()
