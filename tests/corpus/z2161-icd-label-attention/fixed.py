import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import init_empty_weights
from transformers import BertConfig, BertModel

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "seed": 7,
    "max_len": 64,
    "hidden": 32,
    "att_dim": 48,
    "n_codes": 50,
    "batch_size": 8,
    "lr": 2e-4,
    "steps": 6,
    "head_ckpt": os.path.join(HERE, "laat_head_top50.pt"),
}

random.seed(CFG["seed"])
np.random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

TOP50 = ["401.9", "428.0", "427.31", "414.01", "584.9", "250.00", "272.4", "518.81", "599.0", "530.81",
         "272.0", "285.9", "V05.3", "244.9", "486", "038.9", "585.9", "403.90", "995.92", "496",
         "V58.61", "305.1", "276.2", "276.1", "311", "V45.81", "424.0", "V29.0", "765.19", "412",
         "287.5", "E849.7", "285.1", "V15.82", "V58.67", "V45.82", "507.0", "E878.8", "276.8", "V30.00",
         "424.1", "96.04", "96.71", "39.61", "88.56", "96.6", "38.93", "99.15", "99.04", "36.15"]
CODE2IDX = {c: i for i, c in enumerate(TOP50)}

WORDS = ("history of present illness patient admitted with shortness of breath chest pain "
         "hypertension atrial fibrillation diabetes mellitus renal failure acute chronic "
         "intubated extubated transfused started on heparin metoprolol lasix insulin discharged "
         "home stable condition follow up with cardiology nephrology").split()
WORD2ID = {w: i + 5 for i, w in enumerate(dict.fromkeys(WORDS))}  # 0..4 reserved: pad, unk, cls, sep, mask
PAD, UNK, CLS, SEP = 0, 1, 2, 3


def make_discharge_summaries(n):
    notes = []
    for _ in range(n):
        text = " ".join(random.choices(WORDS, k=random.randint(20, 60)))
        codes = random.sample(TOP50, k=random.randint(1, 6))
        notes.append({"text": text, "codes": codes})
    return notes


def encode(text, max_len):
    ids = [CLS] + [WORD2ID.get(w, UNK) for w in text.split()][: max_len - 2] + [SEP]
    return ids


def to_batch(notes, max_len):
    ids = [encode(n["text"], max_len) for n in notes]
    longest = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), longest), PAD, dtype=torch.long)
    attn = torch.zeros((len(ids), longest), dtype=torch.long)
    for i, x in enumerate(ids):
        input_ids[i, : len(x)] = torch.tensor(x)
        attn[i, : len(x)] = 1
    labels = torch.zeros((len(notes), len(CODE2IDX)))
    for i, n in enumerate(notes):
        for c in n["codes"]:
            labels[i, CODE2IDX[c]] = 1.0
    return input_ids, attn, labels


class LabelAttentionHead(nn.Module):
    def __init__(self, hidden, att_dim, n_codes):
        super().__init__()
        self.W = nn.Linear(hidden, att_dim, bias=False)
        self.U = nn.Linear(att_dim, n_codes, bias=False)
        self.out = nn.Linear(hidden, n_codes)


def build_encoder(cfg):
    bert_cfg = BertConfig(vocab_size=len(WORD2ID) + 5, hidden_size=cfg["hidden"], num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    return BertModel(bert_cfg)


def export_head_checkpoint(cfg):
    # stand-in for the head saved by the stage-1 training run
    head = LabelAttentionHead(cfg["hidden"], cfg["att_dim"], cfg["n_codes"])
    torch.save(head.state_dict(), cfg["head_ckpt"])


def load_head(cfg):
    with init_empty_weights():
        head = LabelAttentionHead(cfg["hidden"], cfg["att_dim"], cfg["n_codes"])
    state = torch.load(cfg["head_ckpt"], map_location="cpu")
    missing, unexpected = head.load_state_dict(state, strict=True, assign=True)
    assert not missing and not unexpected
    return head


def laat_logits(head, hidden_states, attention_mask):
    z = torch.tanh(head.W(hidden_states))                       # B, T, att_dim
    scores = head.U(z).transpose(1, 2)                          # B, n_codes, T
    scores = scores.masked_fill(attention_mask[:, None, :] == 0, float("-inf"))
    alpha = F.softmax(scores, dim=-1)
    v = alpha @ hidden_states                                   # B, n_codes, hidden
    return (head.out.weight * v).sum(-1) + head.out.bias        # B, n_codes


def micro_f1(logits, labels, threshold=0.5):
    pred = (torch.sigmoid(logits) > threshold).float()
    tp = (pred * labels).sum()
    fp = (pred * (1 - labels)).sum()
    fn = ((1 - pred) * labels).sum()
    return (2 * tp / (2 * tp + fp + fn + 1e-8)).item()


def main():
    cfg = CFG
    if not os.path.exists(cfg["head_ckpt"]):
        export_head_checkpoint(cfg)

    encoder = build_encoder(cfg)
    head = load_head(cfg)
    params = list(encoder.parameters()) + list(head.parameters())
    optim = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=0.01)

    train = make_discharge_summaries(cfg["batch_size"] * cfg["steps"])
    dev = make_discharge_summaries(16)

    encoder.train()
    for step in range(cfg["steps"]):
        chunk = train[step * cfg["batch_size"]: (step + 1) * cfg["batch_size"]]
        input_ids, attn, labels = to_batch(chunk, cfg["max_len"])
        hidden = encoder(input_ids=input_ids, attention_mask=attn).last_hidden_state
        logits = laat_logits(head, hidden, attn)
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        optim.zero_grad()
        loss.backward()
        optim.step()
        print(f"step {step} loss {loss.item():.4f}")

    encoder.eval()
    with torch.no_grad():
        input_ids, attn, labels = to_batch(dev, cfg["max_len"])
        hidden = encoder(input_ids=input_ids, attention_mask=attn).last_hidden_state
        logits = laat_logits(head, hidden, attn)
    print(f"dev micro-F1 @0.5: {micro_f1(logits, labels):.4f}")


if __name__ == "__main__":
    main()
