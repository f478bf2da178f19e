"""Rank wind-turbine maintenance logs by urgency with a tiny BERT encoder."""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

WORDS = ("gearbox bearing temperature rising vibration nacelle yaw pitch blade crack oil leak "
         "sensor fault inspected replaced tightened bolts normal high low alarm tower brake rotor "
         "generator noise grease logged shift crew checked minor severe stopped restarted wind speed").split()
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

REGISTRY = {}


def register(name):
    def wrap(cls):
        REGISTRY[name] = cls
        return cls
    return wrap


@register("bert_wrap")
class Wrap:
    def __init__(self, vocab_path, max_length=None):
        self.tok = BertTokenizer(vocab_path)
        self.max_length = max_length

    def __call__(self, texts):
        return self.tok(texts, truncation=self.max_length is not None, max_length=self.max_length,
                        padding=True, return_tensors="pt")


def build(spec):
    return REGISTRY[spec["type"]](**spec["args"])


def write_vocab():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(SPECIALS + WORDS) + "\n")
    return path


SPEC = {
    "tokenizer": {"type": "bert_wrap", "args": {"vocab_path": None, "max_length": 64}},
    "encoder": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
                "intermediate_size": 64, "max_position_embeddings": 64},
}

SHIFT_LOGS = [
    "gearbox temperature rising oil leak logged " * 14 + "stopped",
    "blade inspected normal bolts tightened crew checked",
    "yaw brake noise minor sensor fault " * 12 + "restarted",
    "generator bearing vibration high alarm severe crack rotor stopped",
]


class UrgencyScorer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.score = nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.score(out.last_hidden_state[:, 0]).squeeze(-1)


def main():
    SPEC["tokenizer"]["args"]["vocab_path"] = write_vocab()
    tokenizer = build(SPEC["tokenizer"])
    config = BertConfig(vocab_size=tokenizer.tok.vocab_size, **SPEC["encoder"])
    model = UrgencyScorer(config).eval()

    batch = tokenizer(SHIFT_LOGS)
    print("batch shape:", tuple(batch["input_ids"].shape))
    with torch.no_grad():
        scores = model(**batch)
    for log, s in sorted(zip(SHIFT_LOGS, scores.tolist()), key=lambda p: -p[1]):
        print(f"{s:+.3f}  {log[:60]}")


if __name__ == "__main__":
    main()
