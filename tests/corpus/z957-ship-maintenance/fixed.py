# Engine-room log triage: flag which maintenance log entries need the chief
# engineer's attention. Logs come out of the planned-maintenance system as a
# CSV; equipment tags (pump/valve codes) get their own tokens so the model
# doesn't shred them into characters.
import csv
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

COLUMNS = {"entry": "log_text", "tag": "equipment_tag", "flag": "priority"}
LIMITS = {"max_len": 32, "batch_size": 3, "epochs": 3, "lr": 5e-4}
PRIORITIES = ["routine", "urgent"]

LOG_EXPORT = [
    ["replaced gasket on sw pump after small leak", "swp-02", "routine"],
    ["high vibration reading on main engine turbo", "metc-1", "urgent"],
    ["greased bearings and checked alignment", "fwp-01", "routine"],
    ["oil mist detector alarm during night watch", "omd-1", "urgent"],
    ["cleaned strainer and logged pressure drop", "swp-02", "routine"],
    ["fuel valve sticking, exhaust temperature high", "fv-03", "urgent"],
    ["routine insulation test passed", "gen-2", "routine"],
    ["cooling water temperature alarm on generator", "gen-2", "urgent"],
    ["topped up lube oil sump", "metc-1", "routine"],
]

BASE_WORDS = """replaced gasket on sw pump after small leak high vibration reading main
engine turbo greased bearings and checked alignment oil mist detector alarm
during night watch cleaned strainer logged pressure drop fuel valve sticking
exhaust temperature routine insulation test passed cooling water generator
topped up lube sump""".split()


@dataclass
class LogBatch:
    token_ids: torch.Tensor
    attn: torch.Tensor
    target: torch.Tensor


class PriorityHead(nn.Module):
    def __init__(self, encoder, n_out):
        super().__init__()
        self.encoder = encoder
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(encoder.config.hidden_size, n_out)

    def forward(self, token_ids, attn):
        hidden = self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state
        return self.out(self.drop(hidden[:, 0]))


def dump_csv(folder):
    path = os.path.join(folder, "pms_logs.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([COLUMNS["entry"], COLUMNS["tag"], COLUMNS["flag"]])
        w.writerows(LOG_EXPORT)
    return path


def load_tokenizer(folder, rows):
    vocab_file = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(specials + sorted(set(BASE_WORDS))) + "\n")
    tok = BertTokenizer(vocab_file)
    tags = sorted({r[COLUMNS["tag"]] for r in rows})
    added = tok.add_tokens(tags)
    print(f"base vocab {tok.vocab_size}, added {added} equipment tags")
    return tok


def collate(rows, tok):
    texts = [f'{r[COLUMNS["tag"]]} {r[COLUMNS["entry"]]}' for r in rows]
    enc = tok(texts, padding="longest", truncation=True,
              max_length=LIMITS["max_len"], return_tensors="pt")
    target = torch.tensor([PRIORITIES.index(r[COLUMNS["flag"]]) for r in rows])
    return LogBatch(enc["input_ids"], enc["attention_mask"], target)


def main():
    tmp = tempfile.mkdtemp(prefix="pms_")
    with open(dump_csv(tmp), newline="") as fh:
        rows = list(csv.DictReader(fh))
    print(f"{len(rows)} log entries read")

    tok = load_tokenizer(tmp, rows)
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = PriorityHead(BertModel(cfg), len(PRIORITIES))
    opt = torch.optim.Adam(model.parameters(), lr=LIMITS["lr"])
    loss_fn = nn.CrossEntropyLoss()

    bs = LIMITS["batch_size"]
    for epoch in range(LIMITS["epochs"]):
        total = 0.0
        for i in range(0, len(rows), bs):
            b = collate(rows[i:i + bs], tok)
            logits = model(b.token_ids, b.attn)
            loss = loss_fn(logits, b.target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch + 1}/{LIMITS['epochs']} loss={total:.3f}")

    model.eval()
    check = collate(rows[:2], tok)
    with torch.no_grad():
        guess = model(check.token_ids, check.attn).argmax(-1).tolist()
    print("sample predictions:", [PRIORITIES[g] for g in guess])


if __name__ == "__main__":
    main()
