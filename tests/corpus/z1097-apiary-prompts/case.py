"""Prompt-based colony-state classification from apiary inspection notes.

Cloze prompt "<note> . colony is [MASK] ." scored through label words, with a
small encoder that carries both an MLM head and a linear-probe head.
"""
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
USE_AMP = device.type == "cuda"
ACCUM_STEPS = 2
MICRO_BATCH = 3
HIDDEN = 32

NOTES = [
    ("capped brood on six frames and eggs seen", "healthy"),
    ("no eggs no young larvae and bees roaring", "queenless"),
    ("queen cells along the bottom bars and crowded boxes", "swarming"),
    ("laying pattern solid and stores good", "healthy"),
    ("emergency cells and no open brood", "queenless"),
    ("bees hanging out front and many charged cells", "swarming"),
    ("calm colony with fresh nectar and brood", "healthy"),
    ("drone laying workers and scattered brood", "queenless"),
    ("swarm cells sealed and old queen still present", "swarming"),
]
LABEL_WORDS = {"healthy": "thriving", "queenless": "orphaned", "swarming": "leaving"}
CLASSES = list(LABEL_WORDS)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
EncoderOutput = namedtuple("EncoderOutput", ["logits", "mlm_logits"])


def build_vocab():
    words = sorted({w for t, _ in NOTES for w in t.split()} | set(LABEL_WORDS.values()) | {"colony", "is", "."})
    # keep the BERT-style layout (reserved slots first) so ids line up with the big checkpoint later
    reserved = [f"[unused{i}]" for i in range(1995)]
    return {tok: i for i, tok in enumerate(SPECIALS + reserved + words)}


def encode(note, vocab):
    toks = ["[CLS]"] + note.split() + [".", "colony", "is", "[MASK]", ".", "[SEP]"]
    return [vocab.get(t, vocab["[UNK]"]) for t in toks]


class ClozeEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, hidden=HIDDEN, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.pos = nn.Embedding(max_len, hidden)
        layer = nn.TransformerEncoderLayer(hidden, 2, 64, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.mlm_head = nn.Linear(hidden, vocab_size)
        self.probe = nn.Linear(hidden, n_classes)

    def forward(self, ids, pad, mask_pos):
        pos = torch.arange(ids.size(1), device=ids.device)
        h = self.encoder(self.tok(ids) + self.pos(pos), src_key_padding_mask=pad)
        at_mask = h[torch.arange(ids.size(0), device=ids.device), mask_pos]
        return EncoderOutput(logits=self.probe(h[:, 0]), mlm_logits=self.mlm_head(at_mask))


def to_device_batch(rows, vocab, mask_id):
    seqs = [encode(t, vocab) for t, _ in rows]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    mask_pos = (ids == mask_id).float().argmax(dim=1)
    gold = torch.tensor([CLASSES.index(y) for _, y in rows])
    return (ids.to(device, non_blocking=True), (ids == 0).to(device, non_blocking=True),
            mask_pos.to(device, non_blocking=True), gold.to(device, non_blocking=True))


def main():
    vocab = build_vocab()
    verbalizer_ids = torch.tensor([vocab[LABEL_WORDS[c]] for c in CLASSES], device=device)
    print(f"vocab={len(vocab)} verbalizer={dict(zip(CLASSES, verbalizer_ids.tolist()))}")
    model = ClozeEncoder(len(vocab), len(CLASSES)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    scaler = torch.amp.GradScaler(device.type, enabled=USE_AMP)

    for epoch in range(3):
        model.train()
        running, n_micro = 0.0, 0
        for start in range(0, len(NOTES), MICRO_BATCH):
            ids, pad, mask_pos, gold = to_device_batch(NOTES[start:start + MICRO_BATCH], vocab, vocab["[MASK]"])
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=USE_AMP):
                out = model(ids, pad, mask_pos)
                scores = out.logits[:, verbalizer_ids]
                loss = F.cross_entropy(scores.float(), gold) / ACCUM_STEPS
            scaler.scale(loss).backward()
            n_micro += 1
            running += loss.item() * ACCUM_STEPS
            if n_micro % ACCUM_STEPS == 0:
                scaler.unscale_(opt)
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(opt)
                scaler.update()
                opt.zero_grad(set_to_none=True)
        print(f"epoch {epoch} loss {running / n_micro:.4f}")

    model.eval()
    with torch.no_grad():
        ids, pad, mask_pos, gold = to_device_batch(NOTES, vocab, vocab["[MASK]"])
        pred = model(ids, pad, mask_pos).mlm_logits[:, verbalizer_ids].argmax(-1)
    print(f"train accuracy {(pred == gold).float().mean().item():.3f}")


if __name__ == "__main__":
    main()
