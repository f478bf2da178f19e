"""
Quality-control flagging for tide-gauge telemetry messages.

Each station sends a short burst of status tokens (sensor health, datum,
comms state ...). A tiny bag-of-tokens model predicts whether the burst should
be flagged for manual QC. Parameters live in a plain dict, no nn.Module.
"""
from dataclasses import dataclass
from typing import Iterator, List

import torch
import torch.nn.functional as F

torch.manual_seed(1234)

STATUS_TOKENS = [
    "[PAD]", "[UNK]", "DATUM_OK", "DATUM_SHIFT", "BATT_LOW", "BATT_OK",
    "SAT_LINK", "GSM_LINK", "NO_LINK", "PRESS_DRIFT", "RADAR_OK",
    "RADAR_FAULT", "STILLING_SILT", "CLOCK_SKEW", "CLOCK_OK",
]
TOK = {t: i for i, t in enumerate(STATUS_TOKENS)}
PAD_ID = TOK["[PAD]"]
SEQ_LEN = 6
DIM = 24


@dataclass
class Burst:
    station: str
    tokens: List[str]
    needs_qc: int


BURSTS = [
    Burst("Fort Denison", ["DATUM_OK", "BATT_OK", "SAT_LINK", "RADAR_OK", "CLOCK_OK"], 0),
    Burst("Newlyn", ["DATUM_SHIFT", "BATT_OK", "GSM_LINK", "PRESS_DRIFT"], 1),
    Burst("Brest", ["DATUM_OK", "BATT_LOW", "NO_LINK", "CLOCK_SKEW"], 1),
    Burst("Honolulu", ["DATUM_OK", "BATT_OK", "SAT_LINK", "RADAR_OK"], 0),
    Burst("Ny-Alesund", ["DATUM_OK", "BATT_LOW", "SAT_LINK", "RADAR_FAULT", "CLOCK_OK"], 1),
    Burst("Cuxhaven", ["DATUM_OK", "BATT_OK", "GSM_LINK", "STILLING_SILT"], 1),
    Burst("Key West", ["DATUM_OK", "BATT_OK", "GSM_LINK", "RADAR_OK", "CLOCK_OK"], 0),
    Burst("Wellington", ["DATUM_OK", "BATT_OK", "SAT_LINK", "CLOCK_OK"], 0),
]


def collate(bursts: List[Burst]):
    ids = torch.zeros(len(bursts), SEQ_LEN, dtype=torch.long)
    for row, burst in enumerate(bursts):
        toks = [TOK.get(t, TOK["[UNK]"]) for t in burst.tokens][:SEQ_LEN]
        ids[row, : len(toks)] = torch.tensor(toks)
    flags = torch.tensor([b.needs_qc for b in bursts], dtype=torch.float)
    return ids, flags


def minibatches(data: List[Burst], size: int) -> Iterator:
    order = torch.randperm(len(data)).tolist()
    for start in range(0, len(order), size):
        yield collate([data[i] for i in order[start:start + size]])


def make_params():
    return {
        "tok_emb": torch.randn(len(STATUS_TOKENS), DIM, requires_grad=True),
        "w_flag": torch.zeros(1, DIM, requires_grad=True),
        "b_flag": torch.zeros(1, requires_grad=True),
    }


def forward(params, token_ids):
    emb = F.embedding(token_ids, params["tok_emb"], padding_idx=PAD_ID)
    keep = (token_ids != PAD_ID).unsqueeze(-1).float()
    summary = (emb * keep).sum(dim=1) / keep.sum(dim=1).clamp_min(1)
    return F.linear(summary, params["w_flag"], params["b_flag"]).squeeze(-1)


def train(params, epochs=25, batch_size=4):
    opt = torch.optim.SGD(list(params.values()), lr=0.3)
    for ep in range(epochs):
        total = 0.0
        for token_ids, flags in minibatches(BURSTS, batch_size):
            score = forward(params, token_ids)
            loss = F.binary_cross_entropy_with_logits(score, flags)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        if ep % 5 == 0:
            print(f"[qc] epoch {ep} mean loss {total / 2:.4f}")


if __name__ == "__main__":
    params = make_params()
    print(f"training QC flagger on {len(BURSTS)} bursts, vocab={len(STATUS_TOKENS)}")
    train(params)
    with torch.no_grad():
        ids, _ = collate(BURSTS)
        probs = torch.sigmoid(forward(params, ids))
    for burst, p in zip(BURSTS, probs.tolist()):
        print(f"{burst.station:<14} p(qc)={p:.2f} truth={burst.needs_qc}")
