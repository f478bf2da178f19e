# Flag risky drug pairs from (drug A, drug B, pharmacist note) triples.
# Each part of the triple gets its own segment id so the encoder can tell them apart.
import os
import random
import tempfile
from functools import partial

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertTokenizer
from transformers.models.bert.modeling_bert import BertEmbeddings, BertLayer

random.seed(3)
torch.manual_seed(3)

ARCH = [
    {"type": "embed", "dim": 32, "segments": 3},
    {"type": "encoder", "layers": 2},
    {"type": "pool", "mode": "cls"},
    {"type": "linear", "out": 1},
]
DATA = {"batch_size": 3, "max_positions": 64, "epochs": 2, "lr": 5e-4}

TRIPLES = [
    ("warfarin", "aspirin", "elderly patient with history of gi bleeding", 1),
    ("metformin", "lisinopril", "routine diabetes and blood pressure review", 0),
    ("simvastatin", "clarithromycin", "short course for chest infection", 1),
    ("sertraline", "tramadol", "post operative pain management", 1),
    ("amlodipine", "paracetamol", "mild headache reported at clinic", 0),
    ("levothyroxine", "omeprazole", "long term reflux treatment", 0),
    ("lithium", "ibuprofen", "joint pain in bipolar patient", 1),
    ("atorvastatin", "paracetamol", "seasonal flu symptoms", 0),
    ("digoxin", "amiodarone", "new onset atrial fibrillation", 1),
]


def make_tokenizer(rows):
    words = sorted({w for a, b, note, _ in rows for w in f"{a} {b} {note}".split()})
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def encode_triple(tok, drug_a, drug_b, note):
    pieces = [tok.tokenize(drug_a), tok.tokenize(drug_b), tok.tokenize(note)]
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, piece in enumerate(pieces):
        chunk = tok.convert_tokens_to_ids(piece) + [tok.sep_token_id]
        ids += chunk
        segs += [seg_no] * len(chunk)
    return ids, segs


def collate(rows, tok):
    encoded = [encode_triple(tok, a, b, note) for a, b, note, _ in rows]
    width = max(len(ids) for ids, _ in encoded)
    batch = {"tokens": [], "segments": [], "visible": []}
    for ids, segs in encoded:
        gap = width - len(ids)
        batch["tokens"].append(ids + [tok.pad_token_id] * gap)
        batch["segments"].append(segs + [0] * gap)
        batch["visible"].append([1] * len(ids) + [0] * gap)
    batch = {k: torch.tensor(v) for k, v in batch.items()}
    batch["flag"] = torch.tensor([float(r[3]) for r in rows])
    return batch


def build_from_spec(arch, vocab_size):
    parts = nn.ModuleDict()
    width = 64
    for spec in arch:
        width = spec.get("dim", width)
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=width, num_attention_heads=2,
                         intermediate_size=4 * width, type_vocab_size=spec.get("segments", 2),
                         max_position_embeddings=DATA["max_positions"])
        if spec["type"] == "embed":
            parts["embed"] = BertEmbeddings(cfg)
        elif spec["type"] == "encoder":
            parts["encoder"] = nn.ModuleList(BertLayer(cfg) for _ in range(spec["layers"]))
        elif spec["type"] == "linear":
            parts["head"] = nn.Linear(width, spec["out"])
    return parts


class InteractionFlagger(nn.Module):
    def __init__(self, arch, vocab_size):
        super().__init__()
        self.parts = build_from_spec(arch, vocab_size)

    def forward(self, tokens, segments, visible):
        h = self.parts["embed"](input_ids=tokens, token_type_ids=segments)
        bias = (1.0 - visible[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        for layer in self.parts["encoder"]:
            h = layer(h, attention_mask=bias)
        return self.parts["head"](h[:, 0]).squeeze(-1)


def main():
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer(TRIPLES)
    model = InteractionFlagger(ARCH, tok.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=DATA["lr"])
    loader = DataLoader(TRIPLES, batch_size=DATA["batch_size"], shuffle=True,
                        collate_fn=partial(collate, tok=tok))
    model, optim, loader = accelerator.prepare(model, optim, loader)

    for epoch in range(DATA["epochs"]):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            target = batch.pop("flag")
            logit = model(**batch)
            loss = F.binary_cross_entropy_with_logits(logit, target)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("done")


if __name__ == "__main__":
    main()
