# severity scoring for ferry incident reports (minor / moderate / severe)
# small bert, random init - pipeline smoke test before we plug in the real checkpoint
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


def main():
    torch.manual_seed(11)

    reports = {
        "route": ["R1", "R4", "R2", "R1", "R3", "R4"],
        "text": [
            "passenger slipped on wet ramp minor bruise first aid given",
            "bow thruster failure during berthing vessel held off pier tug called",
            "vehicle deck alarm smoke from truck crew contained fire extinguisher used",
            "late departure due to fog no injuries",
            "mooring line parted during berthing crew member struck on leg ambulance called",
            # the long one: pasted straight from the master's log
            " ".join(
                ["engine room high temperature alarm at departure",
                 "chief engineer reduced load on port main engine",
                 "vessel continued at reduced speed toward destination",
                 "second alarm cooling water pump failure",
                 "master informed coast guard and company duty officer",
                 "passengers mustered as precaution life jackets issued",
                 "tug called to assist vessel towed into harbour",
                 "no injuries reported passengers disembarked at terminal"] * 3
            ),
        ],
        "severity": ["minor", "moderate", "severe", "minor", "severe", "severe"],
    }
    sev_names = ["minor", "moderate", "severe"]
    sev2id = {s: i for i, s in enumerate(sev_names)}
    lens = [len(t.split()) for t in reports["text"]]
    print(f"[data] {len(lens)} reports, words per report min={min(lens)} max={max(lens)}")

    words = sorted({w for t in reports["text"] for w in t.split()})
    vdir = tempfile.mkdtemp()
    with open(os.path.join(vdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(vdir, "vocab.txt"))

    max_len = 64
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_len,
        num_labels=len(sev_names),
    )
    model = BertForSequenceClassification(cfg)
    print(f"[model] {sum(p.numel() for p in model.parameters()) / 1e3:.1f}k params, max_len={max_len}")

    encode = lambda texts: tok(texts, padding="longest", return_tensors="pt")
    target = lambda sevs: torch.tensor([sev2id[s] for s in sevs], dtype=torch.long)
    chunks = lambda n, bs: [list(range(i, min(i + bs, n))) for i in range(0, n, bs)]

    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    n = len(reports["text"])
    for epoch in range(2):
        model.train()
        losses = []
        for ids in chunks(n, 3):
            enc = encode([reports["text"][i] for i in ids])
            out = model(**enc, labels=target([reports["severity"][i] for i in ids]))
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            losses.append(out.loss.item())
        print(f"[train] epoch {epoch + 1} mean loss {sum(losses) / len(losses):.4f} "
              f"(last batch shape {tuple(enc['input_ids'].shape)})")

    model.eval()
    with torch.no_grad():
        enc = encode(reports["text"])
        probs = model(**enc).logits.softmax(-1)
    per_route = {}
    for r, p in zip(reports["route"], probs[:, sev2id["severe"]].tolist()):
        per_route.setdefault(r, []).append(p)
    for r, ps in sorted(per_route.items()):
        print(f"[eval] route {r}: mean p(severe)={sum(ps) / len(ps):.3f} over {len(ps)} reports")


if __name__ == "__main__":
    main()
