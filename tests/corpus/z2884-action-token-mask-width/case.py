import os
import random
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
NUM_EPISODES = 48
MIN_STEPS = 6
MAX_STEPS = 30
MAX_ACTION_TOKENS = 24
CONTEXT_LEN = 32
BATCH_SIZE = 8
TRAIN_STEPS = 12
LR = 3e-4
BUFFER_CAPACITY = 256
HIDDEN = 32

ACTIONS = [
    "noop", "up", "down", "left", "right",
    "jump", "attack", "block", "dodge", "interact", "heal", "reload",
]

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "action_vocab.txt")


@dataclass
class Episode:
    actions: list
    idle: np.ndarray
    score: float = 0.0
    meta: dict = field(default_factory=dict)


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + ACTIONS:
            f.write(tok + "\n")


def synth_episodes(rng):
    probs = rng.dirichlet(np.ones(len(ACTIONS)) * 0.7)
    episodes = []
    for i in range(NUM_EPISODES):
        n = int(rng.integers(MIN_STEPS, MAX_STEPS + 1))
        acts = rng.choice(len(ACTIONS), size=n, p=probs)
        idle = (acts == 0) & (rng.random(n) < 0.5)
        episodes.append(Episode(
            actions=[ACTIONS[a] for a in acts],
            idle=idle,
            score=float(rng.normal(10, 3)),
            meta={"map": f"arena_{i % 4}", "player": f"p{i % 11}"},
        ))
    return episodes


def build_history_mask(batch, enc_lengths):
    mask = np.zeros((len(batch), CONTEXT_LEN), dtype=np.int64)
    for row, (ep, length) in enumerate(zip(batch, enc_lengths)):
        mask[row, :length] = 1
        n_body = min(length - 2, len(ep.idle))
        mask[row, 1:1 + n_body][ep.idle[:n_body]] = 0
    return torch.from_numpy(mask)


class ActionPolicy(nn.Module):
    def __init__(self, vocab_size, n_actions):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=HIDDEN,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=2 * CONTEXT_LEN,
        )
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(HIDDEN, n_actions)

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(out.last_hidden_state[:, 0])


def make_batch(tokenizer, episodes):
    histories = [" ".join(ep.actions[:-1]) for ep in episodes]
    targets = torch.tensor([ACTIONS.index(ep.actions[-1]) for ep in episodes])
    enc = tokenizer(
        histories,
        padding="max_length",
        truncation=True,
        max_length=MAX_ACTION_TOKENS,
        return_tensors="pt",
    )
    lengths = enc["attention_mask"].sum(dim=1).tolist()
    mask = build_history_mask(episodes, lengths)
    return enc["input_ids"], mask, targets


def main():
    random.seed(SEED)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)

    replay = deque(maxlen=BUFFER_CAPACITY)
    for ep in synth_episodes(rng):
        if len(ep.actions) >= 2:
            replay.append(ep)
    print(f"replay holds {len(replay)} episodes")

    policy = ActionPolicy(tokenizer.vocab_size, len(ACTIONS))
    optim = torch.optim.AdamW(policy.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()

    for step in range(TRAIN_STEPS):
        batch = random.sample(list(replay), BATCH_SIZE)
        input_ids, mask, targets = make_batch(tokenizer, batch)
        logits = policy(input_ids, mask)
        loss = loss_fn(logits, targets)
        optim.zero_grad()
        loss.backward()
        optim.step()
        if step % 4 == 0:
            print(f"step {step:3d}  bc loss {loss.item():.4f}")

    print("done")


if __name__ == "__main__":
    main()
