"""Customs declaration line scorer: routes free-text goods descriptions to an HS chapter queue."""
import json
import logging
import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
log = logging.getLogger("tariff-router")

SERVICE_CONFIG = """
{
  "tokenizer": {"lowercase": true, "extra_tokens": ["hs8471", "hs8517", "hs6203", "hs0901", "hs9403"]},
  "encoder": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "max_positions": 64},
  "head": {"chapters": ["84", "85", "62", "09", "94"]},
  "batch": {"max_length": 24}
}
"""

BASE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "laptop", "computer", "phone", "mobile", "cotton", "trousers", "men", "coffee",
    "beans", "roasted", "wooden", "chair", "office", "parts", "of", "for", "and",
    "declared", "as", "unroasted", "steel", "frame", "portable", "cordless", "set",
]

REGISTRY = {}


def register(name):
    def deco(factory):
        REGISTRY[name] = factory
        return factory
    return deco


@register("tokenizer")
def build_tokenizer(cfg, workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(BASE_VOCAB) + "\n")
    tok = BertTokenizer(path, do_lower_case=cfg["lowercase"])
    added = tok.add_tokens(cfg["extra_tokens"])
    log.info("tokenizer ready, %d tariff tokens added", added)
    return tok


@register("encoder")
def build_encoder(cfg, vocab_size):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg["hidden"],
        num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"],
        intermediate_size=cfg["ffn"],
        max_position_embeddings=cfg["max_positions"],
    )
    return BertModel(bert_cfg).eval()


class TokenizeStep:
    def __init__(self, tokenizer, max_length):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, payload):
        enc = self.tokenizer(payload["lines"], padding=True, truncation=True,
                             max_length=self.max_length, return_tensors="pt")
        payload["encoded"] = dict(enc)
        return payload


class EncodeStep:
    def __init__(self, encoder):
        self.encoder = encoder

    @torch.no_grad()
    def __call__(self, payload):
        out = self.encoder(**payload["encoded"])
        payload["pooled"] = out.pooler_output
        return payload


class ChapterHead:
    def __init__(self, hidden, chapters):
        self.chapters = chapters
        self.proj = torch.nn.Linear(hidden, len(chapters))

    @torch.no_grad()
    def __call__(self, payload):
        scores = self.proj(payload["pooled"]).softmax(-1)
        best = scores.argmax(-1).tolist()
        payload["routes"] = [self.chapters[i] for i in best]
        return payload


class Pipeline:
    def __init__(self, steps):
        self.steps = steps

    def __call__(self, payload):
        for step in self.steps:
            log.debug("running %s", type(step).__name__)
            payload = step(payload)
        return payload


def assemble(cfg):
    workdir = tempfile.mkdtemp(prefix="tariff-")
    tok = REGISTRY["tokenizer"](cfg["tokenizer"], workdir)
    encoder = REGISTRY["encoder"](cfg["encoder"], vocab_size=tok.vocab_size)
    head = ChapterHead(cfg["encoder"]["hidden"], cfg["head"]["chapters"])
    return Pipeline([TokenizeStep(tok, cfg["batch"]["max_length"]), EncodeStep(encoder), head])


if __name__ == "__main__":
    torch.manual_seed(7)
    cfg = json.loads(SERVICE_CONFIG)
    pipe = assemble(cfg)

    declarations = [
        "portable laptop computer declared as hs8471",
        "cordless mobile phone set hs8517",
        "men cotton trousers",
        "unroasted coffee beans hs0901",
        "wooden office chair steel frame hs9403",
    ]
    result = pipe({"lines": declarations})
    for line, chapter in zip(declarations, result["routes"]):
        log.info("chapter %s <- %s", chapter, line)
    print(json.dumps({"routed": len(result["routes"])}))
