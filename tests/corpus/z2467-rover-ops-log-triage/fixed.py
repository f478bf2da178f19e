# Triage of rover downlink ops-log entries (nominal / warning / fault) with a tiny BERT.
# The ops log is a pipe-separated export with a commented header line.
import os
import random
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_PATH = os.path.join(HERE, "ops_log_export.psv")
VOCAB_PATH = os.path.join(HERE, "ops_vocab.txt")

SEVERITIES = ["nominal", "warning", "fault"]
INSTRUMENTS = ["MASTCAM", "CHEMCAM", "APXS", "SAM", "RAD", "REMS", "NAVCAM", "DRILL"]
TEMPLATES = {
    "nominal": ["sequence complete", "image downlink ok", "target acquired", "data product nominal",
                "calibration complete", "heater cycle nominal"],
    "warning": ["temperature near limit", "partial downlink retry", "dust on window",
                "power margin low", "slow motor current rise"],
    "fault": ["motor stall detected", "sequence aborted", "fault protection tripped",
              "checksum mismatch on product", "arm limit switch fault"],
}

random.seed(5)
torch.manual_seed(5)


def write_ops_log(path, n_rows=600):
    lines = ["#sol | sclk | instrument | severity | message"]
    for i in range(n_rows):
        sev = random.choices(SEVERITIES, weights=[0.6, 0.25, 0.15])[0]
        inst = random.choice(INSTRUMENTS)
        msg = random.choice(TEMPLATES[sev])
        sol = 3000 + i // 12
        sclk = 700000000 + i * 3217
        lines.append(f"{sol} | {sclk} | {inst} | {sev} | {inst.lower()} {msg}")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def write_vocab(path):
    words = set()
    for msgs in TEMPLATES.values():
        for m in msgs:
            words.update(m.split())
    words.update(i.lower() for i in INSTRUMENTS)
    words.update(["sol"] + [str(d) for d in range(10)])
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


def read_ops_log(path):
    with open(path) as fh:
        raw = [ln.rstrip("\n") for ln in fh if ln.strip()]
    header = [name.strip() for name in raw[0].lstrip("#").split("|")]
    col = {name: j for j, name in enumerate(header)}
    records = []
    for ln in raw[1:]:
        row = [f.strip() for f in ln.split("|")]
        records.append({
            "sol": int(row[col["sol"]]),
            "instrument": row[col["instrument"]],
            "severity": row[col["severity"]],
            "text": row[col["message"]],
        })
    return records


def split_by_sol(records, holdout_frac=0.2):
    sols = sorted({r["sol"] for r in records})
    cut = sols[int(len(sols) * (1 - holdout_frac))]
    return [r for r in records if r["sol"] < cut], [r for r in records if r["sol"] >= cut]


def make_collate(tokenizer, max_len=24):
    sev_to_idx = {s: k for k, s in enumerate(SEVERITIES)}

    def collate(batch):
        enc = tokenizer([f"sol {r['sol']} {r['text']}" for r in batch], padding=True,
                        truncation=True, max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([sev_to_idx[r["severity"]] for r in batch])
        return enc

    return collate


def main():
    write_ops_log(LOG_PATH)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    records = read_ops_log(LOG_PATH)
    train_recs, val_recs = split_by_sol(records)
    print(f"{len(train_recs)} train / {len(val_recs)} held-out entries")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(SEVERITIES))
    model = BertForSequenceClassification(config)
    collate = make_collate(tokenizer)
    train_dl = DataLoader(train_recs, batch_size=32, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(val_recs, batch_size=64, collate_fn=collate)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(2):
        model.train()
        for batch in train_dl:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
        model.eval()
        hit = n = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(**batch).logits.argmax(-1)
                hit += (pred == batch["labels"]).sum().item()
                n += pred.numel()
        print(f"epoch {epoch}: last loss {out.loss.item():.3f}  held-out acc {hit / n:.3f}")


if __name__ == "__main__":
    main()
