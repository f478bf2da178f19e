"""Extractive QA over mountain rescue incident reports (SQuAD-style records).

Reports are longer than the encoder window, so each (question, report) pair is split
into overlapping windows with the tokenizer's overflow support. Tiny random BERT +
span head, trained with Accelerate.
"""
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

MAX_LEN = 48
DOC_STRIDE = 12

RECORDS = [
    {
        "question": "Where was the casualty found?",
        "context": ("Callout received at 14:20 from a walking party on the ridge. Team assembled at the "
                    "base and drove to the upper car park. Weather deteriorating with low cloud and rain. "
                    "Hasty party of four went ahead along the old quarry track. The casualty was found at "
                    "the foot of the north gully with a suspected lower leg fracture. Vacuum splint applied, "
                    "stretcher lowered to the track and casualty evacuated by land ambulance."),
        "answers": {"text": ["the foot of the north gully"]},
    },
    {
        "question": "What injury did the climber have?",
        "context": ("Two climbers overdue from a winter route reported by a friend at 19:05. Search "
                    "teams deployed to the corrie and the descent path. Headtorch seen near the lochan "
                    "at 21:40. One climber was uninjured, the second had a dislocated shoulder after a "
                    "slip on hard snow. Pain relief given, shoulder immobilised and both walked out with "
                    "team members to the road end by midnight."),
        "answers": {"text": ["a dislocated shoulder"]},
    },
    {
        "question": "How was the casualty evacuated?",
        "context": ("Mountain biker crashed on the forest descent, reported by passing riders. First "
                    "team members on scene within forty minutes. Casualty conscious but with chest pain "
                    "and possible rib fractures. Given the terrain and the casualty condition the "
                    "coastguard helicopter was requested and the casualty was winched from a clearing "
                    "below the trail and flown to the regional trauma centre."),
        "answers": {"text": ["winched from a clearing"]},
    },
]


def locate(rec):
    ans = rec["answers"]["text"][0]
    rec["answers"]["answer_start"] = [rec["context"].find(ans)]
    return rec


def write_vocab(records):
    words = set()
    for r in records:
        words.update(re.findall(r"\w+|[^\w\s]", (r["question"] + " " + r["context"]).lower()))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def prepare_features(records, tok):
    enc = tok(
        [r["question"] for r in records],
        [r["context"] for r in records],
        truncation="only_second",
        max_length=MAX_LEN,
        stride=DOC_STRIDE,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
        return_tensors="pt",
    )
    starts, ends = [], []
    for i, rec_idx in enumerate(enc["overflow_to_sample_mapping"].tolist()):
        answers = records[rec_idx]["answers"]
        a_start = answers["answer_start"][0]
        a_end = a_start + len(answers["text"][0])
        starts.append(a_start)
        ends.append(a_end)
    enc["start_positions"] = torch.tensor(starts)
    enc["end_positions"] = torch.tensor(ends)
    return enc


class SpanReader(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.qa = nn.Linear(cfg.hidden_size, 2)

    def forward(self, ids, attn, segs):
        h = self.bert(input_ids=ids, attention_mask=attn, token_type_ids=segs).last_hidden_state
        s, e = self.qa(h).unbind(-1)
        return s, e


def main():
    records = [locate(r) for r in RECORDS]
    tok = BertTokenizer(write_vocab(records))
    feats = prepare_features(records, tok)
    print(f"{len(records)} reports -> {feats['input_ids'].shape[0]} windows of {MAX_LEN} tokens")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    ds = TensorDataset(feats["input_ids"], feats["attention_mask"], feats["token_type_ids"],
                       feats["start_positions"], feats["end_positions"])

    accelerator = Accelerator(cpu=True)
    model = SpanReader(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(ds, batch_size=4, shuffle=True)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(3):
        total = 0.0
        for ids, attn, segs, sp, ep in loader:
            s_logits, e_logits = model(ids, attn, segs)
            loss = (F.cross_entropy(s_logits, sp) + F.cross_entropy(e_logits, ep)) / 2
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} span loss {total / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        s_logits, e_logits = model(feats["input_ids"], feats["attention_mask"], feats["token_type_ids"])
    for w in range(feats["input_ids"].shape[0]):
        s, e = int(s_logits[w].argmax()), int(e_logits[w].argmax())
        print(f"window {w}: predicted span tokens {s}..{e}")


if __name__ == "__main__":
    main()
