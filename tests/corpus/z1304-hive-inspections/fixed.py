"""Fine-tune a tiny BERT to tag apiary inspection notes with the main finding.

Notes come from the club's shared inspection sheet export (one dict per visit).
"""
import random
import tempfile
from collections import Counter, defaultdict, namedtuple

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

TOP_K = 4  # how many findings we show in the monthly summary
Batch = namedtuple("Batch", ["enc", "targets"])

VISITS = [
    {"hive": "H01", "note": "no eggs seen, workers agitated, several queen cups", "finding": "queenless"},
    {"hive": "H02", "note": "mite drop high on board after sugar roll", "finding": "varroa"},
    {"hive": "H03", "note": "capped queen cells along bottom bars, crowded frames", "finding": "swarm_prep"},
    {"hive": "H04", "note": "brood pattern solid, good stores, calm colony", "finding": "healthy"},
    {"hive": "H05", "note": "mite drop moderate, deformed wings on a few workers", "finding": "varroa"},
    {"hive": "H06", "note": "calm colony, eggs and larvae present, stores fine", "finding": "healthy"},
    {"hive": "H07", "note": "mummified larvae white and chalky at entrance", "finding": "chalkbrood"},
    {"hive": "H08", "note": "no eggs, laying workers suspected, queen cups empty", "finding": "queenless"},
    {"hive": "H09", "note": "fighting at entrance, torn cappings on honey frames", "finding": "robbing"},
    {"hive": "H10", "note": "good stores, brood solid, queen seen on frame four", "finding": "healthy"},
    {"hive": "H11", "note": "webbing and tunnels through old comb in super", "finding": "wax_moth"},
    {"hive": "H12", "note": "queen cells capped, bees hanging in beard", "finding": "swarm_prep"},
    {"hive": "H13", "note": "mite drop high, spotty brood after treatment", "finding": "varroa"},
    {"hive": "H14", "note": "eggs present, calm, brood solid on six frames", "finding": "healthy"},
]


def write_vocab(notes):
    words = sorted({w for n in notes for w in n.replace(",", " ").split()})
    path = tempfile.mkdtemp() + "/vocab.txt"
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words) + "\n")
    return path


def summarise(visits):
    counts = Counter(v["finding"] for v in visits)
    print(f"{len(visits)} inspections, {len(counts)} distinct findings")
    for name, n in counts.most_common(TOP_K):
        print(f"  {name:<12} {n}")
    return counts


def make_batches(visits, tokenizer, finding_ids, size=4):
    order = list(range(len(visits)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [visits[i] for i in order[start:start + size]]
        enc = tokenizer([v["note"] for v in chunk], padding=True, return_tensors="pt")
        targets = torch.tensor([finding_ids[v["finding"]] for v in chunk])
        yield Batch(enc, targets)


def main():
    counts = summarise(VISITS)

    # frequent findings get the low ids so they stay stable between exports
    label_names = [name for name, _ in counts.most_common()]
    finding_ids = defaultdict(lambda: len(finding_ids))
    for name in label_names:
        finding_ids[name]

    tokenizer = BertTokenizer(write_vocab([v["note"] for v in VISITS]))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(label_names),
        id2label=dict(enumerate(label_names)),
        label2id={n: i for i, n in enumerate(label_names)},
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(make_batches(VISITS, tokenizer, finding_ids)):
            out = model(**batch.enc, labels=batch.targets)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running / (step + 1):.4f}")

    model.eval()
    probe = tokenizer(["mite drop high on board"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("probe ->", model.config.id2label[pred])


if __name__ == "__main__":
    main()
