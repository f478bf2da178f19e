"""AML monitoring: classify account wire/ACH histories as suspicious using a tiny BERT encoder.

Each account's last 30 days of transfers are rendered as a token sentence
(rail, merchant category, counterparty country, amount bucket) and encoded.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

RAILS = ["wire", "ach", "swift", "sepa", "card"]
MCCS = ["mcc_4829", "mcc_6051", "mcc_6211", "mcc_5411", "mcc_7995", "mcc_5999"]
COUNTRIES = ["ctry_us", "ctry_gb", "ctry_cy", "ctry_ae", "ctry_pa", "ctry_mt", "ctry_hk"]
AMOUNT_BUCKETS = [f"amt_{i}" for i in range(8)]
LOOKBACK_DAYS = 30
MAX_SEQ = 64


def write_vocab(folder):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + RAILS + MCCS + COUNTRIES + AMOUNT_BUCKETS
    path = os.path.join(folder, "aml_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path, len(tokens)


def simulate_account(account_no, suspicious):
    n_transfers = random.randint(4, 14)
    if suspicious:
        n_transfers += random.randint(5, 12)  # structuring: many small hops
    history = []
    for _ in range(n_transfers):
        day = random.randint(0, 44)
        history.append({
            "day": day,
            "rail": random.choice(RAILS[:3] if suspicious else RAILS),
            "mcc": random.choice(MCCS),
            "country": random.choice(COUNTRIES[2:] if suspicious else COUNTRIES[:2]),
            "bucket": random.randint(0, 3) if suspicious else random.randint(2, 7),
        })
    return {"account": f"ACC{account_no:05d}", "transfers": history, "flag": int(suspicious)}


def render_history(transfers, as_of_day=44):
    recent = [t for t in transfers if as_of_day - t["day"] < LOOKBACK_DAYS]
    recent.sort(key=lambda t: t["day"])
    words = []
    for t in recent:
        words += [t["rail"], t["mcc"], t["country"], f"amt_{t['bucket']}"]
    return " ".join(words)


class AmlScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.risk_head = nn.Linear(config.hidden_size, 1)

    def forward(self, token_ids, attn, segments):
        out = self.encoder(input_ids=token_ids, attention_mask=attn, token_type_ids=segments)
        return self.risk_head(out.last_hidden_state[:, 0]).squeeze(-1)


def main():
    workdir = tempfile.mkdtemp(prefix="aml_")
    vocab_path, vocab_len = write_vocab(workdir)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=False)

    accounts = [simulate_account(i, suspicious=(i % 4 == 0)) for i in range(48)]
    narratives = [render_history(a["transfers"]) for a in accounts]
    flags = torch.tensor([a["flag"] for a in accounts], dtype=torch.float)

    config = BertConfig(
        vocab_size=vocab_len,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_SEQ,
    )
    model = AmlScorer(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))

    batch_size = 8
    for epoch in range(2):
        order = torch.randperm(len(accounts)).tolist()
        running = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            enc = tokenizer(
                [narratives[i] for i in idx],
                padding=True,
                return_tensors="pt",
            )
            scores = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
            loss = criterion(scores, flags[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch} bce={running / len(accounts):.4f}")

    model.eval()
    with torch.no_grad():
        enc = tokenizer(narratives[:8], padding=True, return_tensors="pt")
        risk = torch.sigmoid(model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]))
    for acct, r in zip(accounts[:8], risk.tolist()):
        print(f"{acct['account']} risk={r:.3f} flagged={acct['flag']}")


if __name__ == "__main__":
    main()
