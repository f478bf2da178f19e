# Extractive QA over museum conservation condition reports (span head on a
# small BERT), trained with accelerate. Answers are given as text and located
# in the report by word match.
import os
import re
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

REPORTS = [
    ("what is the support made of", "oil on oak panel with a vertical split", "oak panel"),
    ("where is the flaking", "paint flaking along the lower edge of the sky area with old losses retouched", "lower edge"),
    ("what caused the staining", "tide line staining from a past water leak in the storage room", "water leak"),
    ("what is the frame", "gilt gesso frame", "gilt gesso"),
    ("what pest was found", "frass and exit holes from furniture beetle found on the reverse of the stretcher bar near the keys", "furniture beetle"),
    ("what is the varnish condition", "varnish yellowed", "yellowed"),
    ("what textile is it", "silk banner with shattered areas and later net overlay", "silk banner"),
    ("what is corroding", "bronze disease on the base with powdery green spots and old wax coating that has trapped dust and salts", "bronze disease"),
    ("what is missing", "one finial missing", "finial"),
    ("what repair is recommended", "consolidate lifting ceramic glaze before transport", "consolidate"),
    ("where is the tear", "small tear at the top left corner of the canvas with distortion spreading toward the centre of the sky", "top left corner"),
    ("what is the mount", "acidic card mount", "acidic card"),
]


def words(text):
    return re.findall(r"\w+", text.lower())


def build_tokenizer(rows):
    vocab = sorted({w for row in rows for part in row for w in words(part)})
    path = os.path.join(tempfile.mkdtemp(prefix="condrep_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


def locate_answer(question, report, answer):
    """Token positions of the answer inside [CLS] question [SEP] report [SEP]."""
    ctx, ans = words(report), words(answer)
    for s in range(len(ctx) - len(ans) + 1):
        if ctx[s : s + len(ans)] == ans:
            offset = len(words(question)) + 2
            return offset + s, offset + s + len(ans) - 1
    raise ValueError(f"answer {answer!r} not in report")


@dataclass
class Batch:
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    token_type_ids: torch.Tensor
    start: torch.Tensor
    end: torch.Tensor


def collate(items, pad_id=0):
    width = max(len(f["input_ids"]) for f, _ in items)
    def pad(key, value=0):
        return torch.tensor([f[key] + [value] * (width - len(f[key])) for f, _ in items])
    return Batch(pad("input_ids", pad_id), pad("attention_mask"), pad("token_type_ids"),
                 torch.tensor([s for _, (s, _) in items]), torch.tensor([e for _, (_, e) in items]))


class SpanReader(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.qa = nn.Linear(cfg.hidden_size, 2)

    def forward(self, b: Batch):
        h = self.bert(input_ids=b.input_ids, attention_mask=b.attention_mask,
                      token_type_ids=b.token_type_ids).last_hidden_state
        start_logits, end_logits = self.qa(h).unbind(-1)
        pad = b.attention_mask == 0
        return start_logits.masked_fill(pad, -1e4), end_logits.masked_fill(pad, -1e4)


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer(REPORTS)
    features = [tok(q, r) for q, r, _ in REPORTS]
    spans = [locate_answer(q, r, a) for q, r, a in REPORTS]

    # length bucketing: sort by length so each batch pads as little as possible
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    features = [features[i] for i in order]
    accelerator.print(f"{len(features)} reports, lengths {[len(f['input_ids']) for f in features]}")

    loader = DataLoader(list(zip(features, spans)), batch_size=4, shuffle=False,
                        collate_fn=lambda items: collate(items, tok.pad_token_id))
    model = SpanReader(len(tok))
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(3):
        total = 0.0
        for b in loader:
            start_logits, end_logits = model(b)
            loss = (F.cross_entropy(start_logits, b.start) + F.cross_entropy(end_logits, b.end)) / 2
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
