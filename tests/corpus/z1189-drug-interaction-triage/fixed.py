# Triage drug-pair interaction alerts (none / monitor / avoid) with a small BERT.
# Each alert is packed as segments: drug A | drug B | free-text pharmacist note.
import copy
import functools
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class AttrDict(dict):
    __getattr__ = dict.__getitem__

    def __setattr__(self, name, value):
        self[name] = value

    @classmethod
    def wrap(cls, obj):
        if isinstance(obj, dict):
            return cls((k, cls.wrap(v)) for k, v in obj.items())
        return obj


BASE_SETTINGS = {
    "model": {"hidden": 32, "heads": 2, "layers": 1, "ffn": 64, "type_vocab_size": 2, "positions": 128},
    "data": {"num_segments": 2, "max_len": 48},
    "optim": {"lr": 2e-4, "batch_size": 3, "steps_per_log": 1},
    "seed": 7,
}

CLI = ["data.num_segments=3", "data.max_len=64", "optim.lr=1e-4"]


def parse_value(text):
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def merge_into(dst, src):
    for key, val in src.items():
        if isinstance(val, dict) and isinstance(dst.get(key), dict):
            merge_into(dst[key], val)
        else:
            dst[key] = val
    return dst


def load_settings(cli):
    patch = {}
    for arg in cli:
        path, value = arg.split("=")
        keys = path.split(".")
        cursor = patch
        for k in keys[:-1]:
            cursor = cursor.setdefault(k, {})
        cursor[keys[-1]] = parse_value(value)
    return AttrDict.wrap(merge_into(copy.deepcopy(BASE_SETTINGS), patch))


@dataclass
class Alert:
    drug_a: str
    drug_b: str
    note: str
    level: int  # 0 none, 1 monitor, 2 avoid


ALERTS = [
    Alert("warfarin", "aspirin", "elderly patient with prior gastric bleed", 2),
    Alert("simvastatin", "clarithromycin", "short course for chest infection", 2),
    Alert("metformin", "lisinopril", "stable renal function on last panel", 0),
    Alert("lithium", "ibuprofen", "occasional use for back pain", 1),
    Alert("amoxicillin", "paracetamol", "child with ear infection", 0),
    Alert("digoxin", "amiodarone", "new atrial fibrillation admission", 2),
    Alert("sertraline", "tramadol", "post operative pain control", 1),
    Alert("levothyroxine", "calcium", "doses taken together at breakfast", 1),
    Alert("omeprazole", "metformin", "long term reflux management", 0),
]


def write_vocab(alerts):
    pieces = set()
    for a in alerts:
        pieces.update(f"{a.drug_a} {a.drug_b} {a.note}".split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.writelines(t + "\n" for t in tokens)
    return BertTokenizer(vocab_path)


def pack_alert(alert, tok, n_segments, max_len):
    fields = [alert.drug_a, alert.drug_b, alert.note][:n_segments]
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, field in enumerate(fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(field)) + [tok.sep_token_id]
        ids.extend(piece)
        segs.extend([seg_no] * len(piece))
    return ids[:max_len], segs[:max_len]


def collate(batch, tok, n_segments, max_len):
    packed = [pack_alert(a, tok, n_segments, max_len) for a in batch]
    width = max(len(ids) for ids, _ in packed)
    tok_ids = torch.full((len(batch), width), tok.pad_token_id, dtype=torch.long)
    seg_ids = torch.zeros((len(batch), width), dtype=torch.long)
    keep = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, segs) in enumerate(packed):
        tok_ids[row, : len(ids)] = torch.tensor(ids)
        seg_ids[row, : len(segs)] = torch.tensor(segs)
        keep[row, : len(ids)] = 1
    levels = torch.tensor([a.level for a in batch])
    return {"input_ids": tok_ids, "token_type_ids": seg_ids, "attention_mask": keep, "labels": levels}


def main():
    s = load_settings(CLI)
    set_seed(s.seed)
    accelerator = Accelerator(cpu=True)
    accelerator.print("settings:", s)

    tok = write_vocab(ALERTS)
    net = BertForSequenceClassification(BertConfig(
        vocab_size=len(tok), hidden_size=s.model.hidden, num_hidden_layers=s.model.layers,
        num_attention_heads=s.model.heads, intermediate_size=s.model.ffn,
        max_position_embeddings=s.model.positions, type_vocab_size=s.data.num_segments,
        num_labels=3))
    loader = torch.utils.data.DataLoader(
        ALERTS, batch_size=s.optim.batch_size, shuffle=True,
        collate_fn=functools.partial(collate, tok=tok, n_segments=s.data.num_segments, max_len=s.data.max_len))
    opt = torch.optim.AdamW(net.parameters(), lr=s.optim.lr)
    net, opt, loader = accelerator.prepare(net, opt, loader)

    net.train()
    for step, batch in enumerate(loader):
        out = net(**batch)
        accelerator.backward(out.loss)
        opt.step()
        opt.zero_grad()
        if step % s.optim.steps_per_log == 0:
            accelerator.print(f"step {step} loss {out.loss.item():.4f}")
    accelerator.print("done, batches seen:", step + 1)


if __name__ == "__main__":
    main()
