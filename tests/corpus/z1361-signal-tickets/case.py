"""Grid search for a tiny fault-ticket router (railway signalling maintenance desk).
Each run builds tokenizer settings + model from one grid point, trains a few epochs,
and the winner is used to route the morning's new tickets."""
import itertools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(42)

ROUTES = ["track_circuit", "point_machine", "signal_lamp", "interlocking"]
TICKETS = [
    ("track circuit showing occupied with no train present", 0),
    ("false occupancy on section after heavy rain", 0),
    ("rail insulation joint failure causing circuit drop", 0),
    ("points failed to detect in reverse position", 1),
    ("point machine motor stalls halfway through throw", 1),
    ("switch blades not closing fully ice in chairs", 1),
    ("red aspect lamp out on approach signal", 2),
    ("flickering lamp on shunting signal at depot", 2),
    ("led signal head showing dim yellow", 2),
    ("interlocking rejected route request from panel", 3),
    ("route will not set conflicting locking reported", 3),
    ("solid state interlocking processor reset overnight", 3),
]
DEV = [
    ("section showing occupied after track renewal", 0),
    ("points out of correspondence after maintenance", 1),
    ("signal lamp failed proving on main aspect", 2),
    ("panel cannot set route locking stuck", 3),
]
NEW_TICKETS = [
    "driver reports the approach signal lamp at the junction is dark and the red aspect "
    "is not showing at all since the overnight storm brought down the lineside cables near the crossing",
    "points at the north end fail to detect in normal",
]

GRID = dict(max_len=[48, 24], heads=[2, 3], lr=[2e-3, 5e-3])
HIDDEN = 32
EPOCHS = 1


class Router(nn.Module):
    def __init__(self, cfg, n_routes):
        super().__init__()
        self.bert = BertModel(cfg)
        self.out = nn.Linear(cfg.hidden_size, n_routes)

    def forward(self, **enc):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.out(cls)


def build_tokenizer(workdir):
    words = sorted({w for text, _ in TICKETS + DEV for w in text.split()}
                   | {w for t in NEW_TICKETS for w in t.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def encode(tok, texts, max_len):
    return tok(texts, padding="max_length", truncation=True, max_length=max_len, return_tensors="pt")


def train_one(tok, point):
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=HIDDEN, num_hidden_layers=1,
                     num_attention_heads=point["heads"], intermediate_size=64,
                     max_position_embeddings=point["max_len"])
    model = Router(cfg, len(ROUTES))
    opt = torch.optim.AdamW(model.parameters(), lr=point["lr"])
    loss_fn = nn.CrossEntropyLoss()

    enc = encode(tok, [t for t, _ in TICKETS], point["max_len"])
    gold = torch.tensor([y for _, y in TICKETS])
    for epoch in range(EPOCHS):
        for start in range(0, len(gold), 4):
            chunk = {k: v[start:start + 4] for k, v in enc.items()}
            loss = loss_fn(model(**chunk), gold[start:start + 4])
            opt.zero_grad()
            loss.backward()
            opt.step()

    model.eval()
    with torch.no_grad():
        dev_enc = encode(tok, [t for t, _ in DEV], point["max_len"])
        dev_gold = torch.tensor([y for _, y in DEV])
        logits = model(**dev_enc)
        dev_loss = loss_fn(logits, dev_gold).item()
        dev_acc = (logits.argmax(-1) == dev_gold).float().mean().item()
    return model, dev_loss, dev_acc


def main():
    tok = build_tokenizer(tempfile.mkdtemp(prefix="tickets_"))
    points = [dict(zip(GRID, vals)) for vals in itertools.product(*GRID.values())]

    results, kept = [], []
    for i, point in enumerate(points):
        torch.manual_seed(100 + i)
        try:
            model, dev_loss, dev_acc = train_one(tok, point)
        except ValueError as err:
            print(f"[run {i}] skipped {point}: {err}")
            results.append({"run": i, **point, "status": "invalid", "dev_loss": float("nan"), "dev_acc": float("nan")})
            continue
        kept.append(model)
        results.append({"run": i, **point, "status": "ok", "dev_loss": dev_loss, "dev_acc": dev_acc})
        print(f"[run {i}] {point} dev_loss={dev_loss:.4f} dev_acc={dev_acc:.2f}")

    print(f"\n{'run':>3} {'max_len':>7} {'heads':>5} {'lr':>7} {'status':>8} {'loss':>7} {'acc':>5}")
    for r in results:
        print(f"{r['run']:>3} {r['max_len']:>7} {r['heads']:>5} {r['lr']:>7g} {r['status']:>8} "
              f"{r['dev_loss']:>7.4f} {r['dev_acc']:>5.2f}")

    scores = torch.tensor([r["dev_loss"] for r in results if r["status"] == "ok"])
    best_pos = int(scores.argmin())
    best_point = points[best_pos]
    best_model = kept[best_pos]
    print(f"\nbest settings: {best_point}")

    with torch.no_grad():
        routed = best_model(**encode(tok, NEW_TICKETS, best_point["max_len"])).argmax(-1)
    for text, r in zip(NEW_TICKETS, routed.tolist()):
        print(f"  -> {ROUTES[r]:<14} {text[:60]}")


if __name__ == "__main__":
    main()
