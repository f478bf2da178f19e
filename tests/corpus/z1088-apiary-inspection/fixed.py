"""Fine-tune a tiny BERT to triage apiary inspection notes into hive-health buckets.

GPU-minded loop: AMP autocast, pinned host batches, gradient accumulation over
micro-batches. Falls back to CPU transparently.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
USE_AMP = device.type == "cuda"
PIN_MEMORY = device.type == "cuda"
ACCUM_STEPS = 3
BATCH_SIZE = 10
MAX_LEN = 24
EPOCHS = 2

random.seed(7)
torch.manual_seed(7)

HEALTH = ["healthy", "queenless", "varroa", "brood_disease"]
NOTES = [
    ("strong colony eggs seen queen marked calm bees", 0),
    ("no eggs no young larvae emergency cells drawn", 1),
    ("mites on drone brood sticky board count high", 2),
    ("sunken cappings spotty brood ropey larvae smell", 3),
    ("capped honey frames full queen laying well", 0),
    ("roaring colony no queen seen laying workers", 1),
    ("deformed wings on young bees mite wash eleven", 2),
    ("perforated cappings discolored larvae chalk mummies", 3),
    ("pollen coming in orientation flights busy entrance", 0),
    ("multiple eggs per cell drone brood in worker cells", 1),
    ("alcohol wash twenty mites treatment due", 2),
    ("scattered brood pattern larvae melted cell floor", 3),
]


def write_vocab(texts):
    words = sorted({w for t, _ in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def host_batches(records, batch_size):
    order = list(range(len(records)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        yield [records[i] for i in order[start:start + batch_size]]


def prepare_device_batch(tok, chunk):
    """Tokenise one optimizer step worth of notes and cut it into micro-batches."""
    enc = tok([t for t, _ in chunk], padding="max_length", truncation=True,
              max_length=MAX_LEN, return_tensors="pt")
    y = torch.tensor([lab for _, lab in chunk], dtype=torch.long)
    if PIN_MEMORY:
        enc = {k: v.pin_memory() for k, v in enc.items()}
        y = y.pin_memory()
    feats = {k: v.to(device, non_blocking=True).chunk(ACCUM_STEPS) for k, v in enc.items()}
    micro_bs = -(-len(y) // ACCUM_STEPS)  # same ceil split as Tensor.chunk
    y_parts = y.to(device, non_blocking=True).split(micro_bs)
    for i, y_mb in enumerate(y_parts):
        yield {k: parts[i] for k, parts in feats.items()}, y_mb


def main():
    tok = BertTokenizer(write_vocab(NOTES))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=len(HEALTH))
    model = BertForSequenceClassification(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    scaler = torch.amp.GradScaler(device.type, enabled=USE_AMP)

    model.train()
    for epoch in range(EPOCHS):
        running, n_steps = 0.0, 0
        for chunk in host_batches(NOTES, BATCH_SIZE):
            opt.zero_grad(set_to_none=True)
            for feats, y_mb in prepare_device_batch(tok, chunk):
                with torch.autocast(device_type=device.type, enabled=USE_AMP):
                    out = model(**feats, labels=y_mb)
                    loss = out.loss / ACCUM_STEPS
                scaler.scale(loss).backward()
                running += loss.item()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(opt)
            scaler.update()
            n_steps += 1
        print(f"epoch {epoch}: mean loss {running / max(n_steps, 1):.4f}")

    model.eval()
    with torch.no_grad():
        probe = tok(["mite wash high deformed wings"], return_tensors="pt").to(device)
        pred = model(**probe).logits.argmax(-1).item()
    print("probe note ->", HEALTH[pred])


if __name__ == "__main__":
    main()
