import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(0)
torch.manual_seed(0)

commit_msgs = [
    "fix null pointer in config loader",
    "add retry logic to http client",
    "bump version to two point one",
    "remove unused imports from utils",
    "fix typo in readme",
    "add unit tests for parser",
    "refactor database connection pool",
    "update dependencies and lock file",
    "fix race condition in job scheduler",
    "add logging to payment service",
    "remove deprecated api endpoints",
    "improve error messages in cli",
    "fix flaky test in auth module",
    "add docker compose file for local dev",
    "refactor parser into smaller functions",
    "update changelog for release",
]

SPECIALS = ["<pad>", "<bos>", "<eos>"]
itos = SPECIALS + sorted({w for m in commit_msgs for w in m.split()})
stoi = {w: i for i, w in enumerate(itos)}
PAD, BOS, EOS = stoi["<pad>"], stoi["<bos>"], stoi["<eos>"]


def to_ids(msg):
    return [BOS] + [stoi[w] for w in msg.split()] + [EOS]


def batches(msgs, size):
    msgs = msgs[:]
    random.shuffle(msgs)
    for i in range(0, len(msgs), size):
        seqs = [to_ids(m) for m in msgs[i:i + size]]
        width = max(map(len, seqs))
        yield torch.tensor([s + [PAD] * (width - len(s)) for s in seqs])


def lm_loss(logits, seqs):
    preds = logits[:, :-1, :]
    gold = seqs[:, 1:]
    return F.cross_entropy(preds.reshape(-1, preds.size(-1)), gold.reshape(-1), ignore_index=PAD)


config = GPT2Config(vocab_size=len(itos), n_positions=32, n_embd=48, n_layer=2, n_head=4,
                    bos_token_id=BOS, eos_token_id=EOS, pad_token_id=PAD)
lm = GPT2LMHeadModel(config)
opt = torch.optim.AdamW(lm.parameters(), lr=2e-3)

for epoch in range(8):
    lm.train()
    epoch_loss = []
    for seqs in batches(commit_msgs, size=4):
        logits = lm(input_ids=seqs, attention_mask=(seqs != PAD).long()).logits
        loss = lm_loss(logits, seqs)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epoch_loss.append(loss.item())
    print(f"epoch {epoch} ppl {torch.tensor(epoch_loss).mean().exp():.2f}")

lm.eval()
prompt = torch.tensor([[BOS, stoi["fix"]]])
with torch.no_grad():
    for _ in range(6):
        nxt = lm(input_ids=prompt).logits[0, -1].argmax()
        prompt = torch.cat([prompt, nxt.view(1, 1)], dim=1)
        if nxt.item() == EOS:
            break
print("sample:", " ".join(itos[i] for i in prompt[0].tolist()[1:]))

with tempfile.TemporaryDirectory() as out:
    lm.save_pretrained(out)
