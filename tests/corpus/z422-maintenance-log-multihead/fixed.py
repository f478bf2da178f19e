# Aircraft maintenance log parser: one shared encoder, two heads.
#   - a per-token head tags each word (component / action / part-number / other)
#   - a per-entry head predicts the severity of the write-up
# Written functionally so the parameters can be averaged across hangars later.
import random

import torch
import torch.nn.functional as F

SEED = 3
EMB = 32
HID = 48
SEQ_LEN = 18
N_TAGS = 5          # pad-tag, COMPONENT, ACTION, PARTNO, O
N_SEVERITY = 3      # routine, deferred, grounding
BATCH = 12
STEPS = 25

random.seed(SEED)
torch.manual_seed(SEED)

COMPONENTS = ["hydraulic", "pump", "flap", "actuator", "tyre", "brake", "pitot", "valve", "fuel", "line"]
ACTIONS = ["replaced", "inspected", "torqued", "leaking", "cracked", "cleaned", "deferred"]
FILLER = ["on", "left", "right", "found", "per", "amm", "the", "at", "gear", "wing", "no", "fault"]
VOCAB = ["<pad>", "<unk>"] + COMPONENTS + ACTIONS + FILLER + [f"pn{i}" for i in range(20)]
W2I = {w: i for i, w in enumerate(VOCAB)}


def fake_entry():
    words, tags = [], []
    for _ in range(random.randint(6, SEQ_LEN)):
        r = random.random()
        if r < 0.3:
            words.append(random.choice(COMPONENTS)); tags.append(1)
        elif r < 0.5:
            words.append(random.choice(ACTIONS)); tags.append(2)
        elif r < 0.6:
            words.append(f"pn{random.randrange(20)}"); tags.append(3)
        else:
            words.append(random.choice(FILLER)); tags.append(4)
    severity = 2 if "cracked" in words else (1 if "deferred" in words or "leaking" in words else 0)
    return words, tags, severity


def encode(entries):
    ids = torch.zeros(len(entries), SEQ_LEN, dtype=torch.long)
    tags = torch.zeros(len(entries), SEQ_LEN, dtype=torch.long)
    sev = torch.tensor([e[2] for e in entries])
    for i, (words, t, _) in enumerate(entries):
        ids[i, : len(words)] = torch.tensor([W2I.get(w, 1) for w in words])
        tags[i, : len(t)] = torch.tensor(t)
    return ids, tags, sev


def init_params():
    def w(*shape):
        return (torch.randn(*shape) * shape[0] ** -0.5).requires_grad_()

    return {
        "emb": w(len(VOCAB), EMB),
        "enc_w": w(EMB, HID), "enc_b": torch.zeros(HID, requires_grad=True),
        "tag_w": w(HID, N_TAGS), "tag_b": torch.zeros(N_TAGS, requires_grad=True),
        "sev_w": w(HID, N_SEVERITY), "sev_b": torch.zeros(N_SEVERITY, requires_grad=True),
    }


def forward(params, ids):
    x = params["emb"][ids]
    h = torch.tanh(x @ params["enc_w"] + params["enc_b"])
    tag_logits = h @ params["tag_w"] + params["tag_b"]
    mask = ids.ne(0).unsqueeze(-1).float()
    pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1)
    sev_logits = pooled @ params["sev_w"] + params["sev_b"]
    return tag_logits, sev_logits


def joint_loss(tag_logits, sev_logits, tags, sev, tag_weight=1.0):
    tag_loss = F.cross_entropy(tag_logits.reshape(-1, N_TAGS), tags.reshape(-1), ignore_index=0)
    sev_loss = F.cross_entropy(sev_logits, sev)
    return tag_weight * tag_loss + sev_loss, tag_loss.detach(), sev_loss.detach()


def sgd_step(params, lr=0.5):
    with torch.no_grad():
        for p in params.values():
            p -= lr * p.grad
            p.grad = None


train = [fake_entry() for _ in range(240)]
test = [fake_entry() for _ in range(60)]
train_ids, train_tags, train_sev = encode(train)
test_ids, test_tags, test_sev = encode(test)

params = init_params()
for step in range(STEPS):
    idx = torch.randint(0, len(train), (BATCH,))
    tag_logits, sev_logits = forward(params, train_ids[idx])
    loss, tl, sl = joint_loss(tag_logits, sev_logits, train_tags[idx], train_sev[idx])
    loss.backward()
    sgd_step(params)
    if step % 5 == 0:
        print(f"step {step:2d} loss {loss.item():.3f} (tags {tl.item():.3f}, severity {sl.item():.3f})")

with torch.no_grad():
    tag_logits, sev_logits = forward(params, test_ids)
    keep = test_tags.ne(0)
    tag_acc = (tag_logits.argmax(-1) == test_tags)[keep].float().mean()
    sev_acc = (sev_logits.argmax(-1) == test_sev).float().mean()
print(f"test tag acc {tag_acc.item():.2%}  severity acc {sev_acc.item():.2%}")
