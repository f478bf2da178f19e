# Drug-interaction triage: (pharmacist note, drug A, drug B) -> severity bucket.
# Each example is packed as note / drug A / drug B segments.
import functools
import logging
import os
import tempfile

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("ddi")

_MODELS, _HEADS, _COLLATORS = {}, {}, {}


def register_model(name):
    return lambda cls: _MODELS.setdefault(name, cls)


def register_head(name):
    return lambda cls: _HEADS.setdefault(name, cls)


def register_collator(name):
    return lambda fn: _COLLATORS.setdefault(name, fn)


def instantiate(registry, spec, **kw):
    return registry[spec["type"]](**spec.get("args", {}), **kw)


CFG = {
    "model": {"type": "bert_encoder", "args": {"hidden_size": 48, "num_layers": 2, "num_heads": 4}},
    "head": {"type": "mlp_cls", "args": {"n_classes": 3, "p_drop": 0.1}},
    "collator": {"type": "three_segment", "args": {"max_tokens": 48}},
    "optim": {"lr": 3e-4, "epochs": 2, "batch_size": 3},
}

NOTES = [
    ("patient on anticoagulant asks about pain relief", "warfarin", "ibuprofen", 2),
    ("elderly patient new prescription for cough", "codeine", "sertraline", 1),
    ("routine refill no new medication", "metformin", "lisinopril", 0),
    ("patient reports muscle pain after new statin", "simvastatin", "clarithromycin", 2),
    ("allergy season started taking antihistamine", "loratadine", "metformin", 0),
    ("heart rhythm medication and antibiotic started", "amiodarone", "levofloxacin", 2),
    ("blood pressure tablets and potassium supplement", "lisinopril", "potassium", 1),
    ("thyroid tablet taken with calcium at breakfast", "levothyroxine", "calcium", 1),
    ("occasional headache tablet with vitamin", "paracetamol", "vitamin", 0),
]


def make_vocab_file(rows):
    toks = sorted({w for note, a, b, _ in rows for w in f"{note} {a} {b}".split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *toks]:
            f.write(t + "\n")
    return path


@register_model("bert_encoder")
class BertEncoder(nn.Module):
    def __init__(self, vocab_size, hidden_size=64, num_layers=2, num_heads=4, type_vocab_size=2,
                 max_positions=128):
        super().__init__()
        self.bert = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=num_layers,
            num_attention_heads=num_heads, intermediate_size=hidden_size * 4,
            type_vocab_size=type_vocab_size, max_position_embeddings=max_positions))
        self.out_dim = hidden_size

    def forward(self, **enc):
        return self.bert(**enc).pooler_output


@register_head("mlp_cls")
class MLPHead(nn.Module):
    def __init__(self, in_dim, n_classes, p_drop=0.1):
        super().__init__()
        self.net = nn.Sequential(nn.Dropout(p_drop), nn.Linear(in_dim, in_dim), nn.GELU(),
                                 nn.Linear(in_dim, n_classes))

    def forward(self, h):
        return self.net(h)


@register_collator("three_segment")
def three_segment_collate(batch, tokenizer, max_tokens=64):
    ids_rows, seg_rows = [], []
    for note, drug_a, drug_b, _ in batch:
        ids, segs = [tokenizer.cls_token_id], [0]
        for seg_no, text in enumerate((note, drug_a, drug_b)):
            piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
            ids += piece
            segs += [seg_no] * len(piece)
        ids_rows.append(ids[:max_tokens])
        seg_rows.append(segs[:max_tokens])
    width = max(len(r) for r in ids_rows)
    pad = lambda r, v: r + [v] * (width - len(r))
    return {
        "input_ids": torch.tensor([pad(r, tokenizer.pad_token_id) for r in ids_rows]),
        "token_type_ids": torch.tensor([pad(r, 0) for r in seg_rows]),
        "attention_mask": torch.tensor([pad([1] * len(r), 0) for r in ids_rows]),
        "severity": torch.tensor([row[-1] for row in batch]),
    }


def main():
    torch.manual_seed(7)
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(make_vocab_file(NOTES))

    encoder = instantiate(_MODELS, CFG["model"], vocab_size=len(tok))
    head = instantiate(_HEADS, CFG["head"], in_dim=encoder.out_dim)
    collate = functools.partial(_COLLATORS[CFG["collator"]["type"]], tokenizer=tok,
                                **CFG["collator"]["args"])
    loader = DataLoader(NOTES, batch_size=CFG["optim"]["batch_size"], shuffle=True, collate_fn=collate)

    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=CFG["optim"]["lr"])
    encoder, head, opt, loader = accelerator.prepare(encoder, head, opt, loader)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(CFG["optim"]["epochs"]):
        encoder.train(); head.train()
        running = 0.0
        for step, batch in enumerate(loader):
            target = batch.pop("severity")
            logits = head(encoder(**batch))
            loss = loss_fn(logits, target)
            accelerator.backward(loss)
            opt.step(); opt.zero_grad()
            running += loss.item()
        log.info("epoch %d  mean loss %.4f", epoch, running / (step + 1))
    log.info("done")


if __name__ == "__main__":
    main()
